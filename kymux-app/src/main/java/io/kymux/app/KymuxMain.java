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
        System.exit(new CommandLine(new KymuxMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
