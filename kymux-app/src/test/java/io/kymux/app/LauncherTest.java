package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code ./kymux} launcher, in a copy of the project holding only it and a stand-in
 * kymux.jar (LauncherProbe): a rebuild rewrites the jar in place, and a process started
 * before it must still load its classes, from a snapshot that goes once nothing runs from it.
 * In the plain JVM and in the small server's (KYMUX_SMALL=1, from the unpacked jar).
 */
class LauncherTest {

    private static final List<Class<?>> PROBE = List.of(LauncherProbe.class, LauncherProbe.Late.class);

    /** Writes the stand-in jar in place, as the shade plugin does (the same file, truncated). */
    private static void writeJar(Path jar, String build, long mtimeMs) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            for (Class<?> c : PROBE) {
                String name = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (var in = c.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
            }
            out.putNextEntry(new JarEntry("build.txt"));
            out.write(build.getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(mtimeMs));
    }

    private record Launched(Process process, BufferedReader out, Path snapshot) implements AutoCloseable {
        String next() throws Exception {
            String line = out.readLine();
            assertThat(line).as("the probe's next line").isNotNull();
            return line;
        }

        void send(String line) throws Exception {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the probe ends at the end of its stdin").isTrue();
        }
    }

    private static Launched launch(Path project, boolean small) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", project.resolve("kymux").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KYMUX_SMALL", small ? "1" : "");
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("the probe's first line").startsWith("running from ");
        Path from = Path.of(first.substring("running from ".length()));
        Path runs = project.resolve("kymux-app/target/run").toRealPath();
        assertThat(from.toAbsolutePath().startsWith(runs)).as("runs from a snapshot under %s: %s", runs, from).isTrue();
        return new Launched(p, out, runs.resolve(runs.relativize(from).getName(0)));
    }

    @ParameterizedTest(name = "KYMUX_SMALL={0}")
    @ValueSource(booleans = {false, true})
    void aRebuildLeavesARunningProcessItsClassesAndItsSnapshotGoesWhenItEnds(boolean small, @TempDir Path project)
            throws Exception {
        Path script = project.resolve("kymux");
        Files.copy(Path.of("..", "kymux"), script);
        Files.copy(Path.of("small-server.jvmopts"), Files.createDirectories(project.resolve("kymux-app"))
                .resolve("small-server.jvmopts"));
        Path jar = Files.createDirectories(project.resolve("kymux-app/target")).resolve("kymux.jar");
        long t0 = System.currentTimeMillis() - 60_000;
        writeJar(jar, "one", t0);
        try (Launched running = launch(project, small)) {
            writeJar(jar, "two", t0 + 10_000); // the rebuild, while the first still runs
            try (Launched after = launch(project, small)) {
                assertThat(after.snapshot()).as("a new build, a new snapshot").isNotEqualTo(running.snapshot());
                after.send("late");
                assertThat(after.next()).isEqualTo("late class of build two");
            }
            assertThat(running.snapshot()).as("kept while its process runs").exists();
            running.send("late");
            assertThat(running.next()).as("a class loaded after the rebuild, from its own build")
                    .isEqualTo("late class of build one");
        }
        writeJar(jar, "three", t0 + 20_000);
        Path old;
        try (Launched next = launch(project, small)) {
            old = next.snapshot();
        }
        try (var runs = Files.list(project.resolve("kymux-app/target/run"))) {
            assertThat(runs.map(p -> p.getFileName().toString()).toList())
                    .as("only the newest build's snapshot is left once nothing else runs")
                    .containsExactly(old.getFileName().toString());
        }
    }
}
