package io.kymux.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "kymux", mixinStandardHelpOptions = true, version = "kymux 0.1.0",
        description = "Low-latency media mux and relay.",
        subcommands = {DemoCommand.class, ServerCommand.class, CaptureCommand.class, ClientCommand.class,
            io.kymux.app.inject.InjectCommand.class,
            io.kymux.app.bench.BenchCommand.class})
public final class KymuxMain implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with kymux's error handling: one readable line per failure (tests run it in-process too). */
    static CommandLine commandLine() {
        return new CommandLine(new KymuxMain()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(KymuxMain::oneLine);
    }

    /**
     * A failure is told in one line, "kymux COMMAND: what went wrong", exit 1 (2 for a port
     * in use, a configuration error); the stack
     * trace only with KYMUX_DEBUG set, since it helps a developer, never a user.
     */
    private static int oneLine(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        // kymux's own errors say what and where; anything else is told by its innermost cause
        boolean ours = (e instanceof IllegalArgumentException || e instanceof IllegalStateException) && e.getMessage() != null;
        cmd.getErr().println("kymux " + cmd.getCommandName() + ": " + (ours ? e.getMessage() : StreamingUpload.rootMessage(e)));
        if (System.getenv("KYMUX_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        }
        return e instanceof io.kymux.server.PortTakenException ? 2 : 1;
    }
}
