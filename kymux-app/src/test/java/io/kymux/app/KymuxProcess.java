package io.kymux.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kymux command line in a process of its own, as a user runs it: its stderr (and
 * stdout unless the test reads it) goes to a log file the test can read. Closing it
 * kills what is still running.
 */
public final class KymuxProcess implements AutoCloseable {

    public final Process process;
    public final Path log;

    private KymuxProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** stdout and stderr both to the log. */
    public static KymuxProcess start(String... args) throws IOException {
        return start(false, args);
    }

    /** {@code pipeStdout}: the test reads {@link Process#getInputStream()}; stderr alone goes to the log. */
    public static KymuxProcess start(boolean pipeStdout, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KymuxMain.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("kymux-" + args[0], ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        if (!pipeStdout) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return new KymuxProcess(pb.start(), log);
    }

    /** What it wrote to its log so far. */
    public String said() throws IOException {
        return Files.readString(log);
    }

    /** Waits (bounded) for the process to end and returns its exit code, or -1 if it is still running. */
    public int exitWithin(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Waits (bounded) until its log contains {@code text}. */
    public boolean awaitSaid(String text, long timeoutMs) throws Exception {
        long end = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < end) {
            if (said().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
