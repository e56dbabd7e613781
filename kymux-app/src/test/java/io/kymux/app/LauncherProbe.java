package io.kymux.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The program LauncherTest packs into a stand-in kymux.jar: it says where it runs from and
 * which build it is, then, for each "late" line on stdin, loads a class it had not loaded
 * yet, as a long-running server does; it ends at the end of stdin.
 */
public final class LauncherProbe {

    private LauncherProbe() {
    }

    /** Loaded only when asked: a class read from the snapshot long after the start. */
    static final class Late {
        static String build() throws Exception {
            try (var in = Late.class.getResourceAsStream("/build.txt")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.println("running from " + LauncherProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("late")) {
                System.out.println("late class of build " + Late.build());
                System.out.flush();
            }
        }
    }
}
