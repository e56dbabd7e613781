package io.kymux.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import org.junit.jupiter.api.Test;

/** 12-factor: every server setting is a flag and an environment variable, and `kymux server --help` says so. */
class ServerHelpTest {

    @Test
    void helpDocumentsEveryFlagWithItsEnvironmentVariable() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new KymuxMain());
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("server", "--help")).isZero();
        String help = out.toString();
        int options = 0;
        for (Field f : ServerOptions.class.getDeclaredFields()) {
            Option o = f.getAnnotation(Option.class);
            if (o == null) {
                continue;
            }
            options++;
            assertThat(help).as("--help lists " + o.names()[0]).contains(o.names()[0]);
            String env = o.defaultValue().replaceAll("^\\$\\{env:([A-Z_]+):.*$", "$1");
            assertThat(env).as(o.names()[0] + " has an environment variable").startsWith("KYMUX_");
            assertThat(String.join(" ", o.description())).as(o.names()[0] + " names its variable").contains("env " + env);
        }
        assertThat(options).isGreaterThanOrEqualTo(12);
        assertThat(help).contains("VW_PORT").contains("/api/destinations").contains("/ts/FEED");
    }
}
