package io.kymux.app.inject;

import io.kymux.core.input.InputEventCodec;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inject", mixinStandardHelpOptions = true,
        description = {"Apply a stream's input events (from viewers allowed to control) to this machine.",
            "  kymux inject ws://127.0.0.1:8888/input/demo --backend xdotool"})
public final class InjectCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "ws://HOST:PORT/input/STREAM")
    URI url;

    @Option(names = "--backend", defaultValue = "print", description = "xdotool (an X display) or print (JSON lines on stdout)")
    String backend;

    @Option(names = "--display", defaultValue = "${env:DISPLAY:-:0}", description = "X display for xdotool (env DISPLAY)")
    String display;

    @Option(names = "--admin-token", defaultValue = "${env:KYMUX_ADMIN_TOKEN:-}",
            description = "needed when the server is not on this machine (env KYMUX_ADMIN_TOKEN)")
    String adminToken;

    @Option(names = "--duration", defaultValue = "0", description = "stop after this many seconds (0: until disconnected)")
    double duration;

    private volatile Runnable onConnected = () -> { };

    /** For tests: run once the injector is connected. */
    public InjectCommand onConnected(Runnable r) {
        onConnected = r;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        Injector injector = switch (backend) {
            case "xdotool" -> new XdotoolInjector(display);
            case "print" -> new PrintInjector(System.out);
            default -> throw new IllegalArgumentException("--backend must be xdotool or print");
        };
        CountDownLatch closed = new CountDownLatch(1);
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (!adminToken.isBlank()) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        WebSocket ws = b.buildAsync(url, new WebSocket.Listener() {
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                byte[] chunk = new byte[data.remaining()];
                data.get(chunk);
                partial.writeBytes(chunk);
                if (last) {
                    try {
                        injector.apply(InputEventCodec.decode(Unpooled.wrappedBuffer(partial.toByteArray())));
                    } catch (RuntimeException e) {
                        System.err.println("kymux inject: " + e.getMessage());
                    }
                    partial.reset();
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                closed.countDown();
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                System.err.println("kymux inject: " + error.getMessage());
                closed.countDown();
            }
        }).get(10, TimeUnit.SECONDS);
        System.err.println("kymux inject: applying input of " + url + " with " + backend);
        onConnected.run();
        if (duration > 0) {
            closed.await((long) (duration * 1000), TimeUnit.MILLISECONDS);
        } else {
            closed.await();
        }
        ws.abort();
        return 0;
    }
}
