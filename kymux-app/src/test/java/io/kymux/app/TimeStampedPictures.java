package io.kymux.app;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Raw 640x360 yuv420p pictures, paced at a frame rate, each carrying the wall-clock
 * millisecond it was made (mod 2^20) as 20 white-or-black 32x32 blocks in its top row and
 * their inverse in the row below, over a moving pattern that gives an encoder work. A page
 * reads the code back from the decoded picture (glass-probe.js): glass to glass, measured on
 * the pictures themselves, the same way for every player.
 */
final class TimeStampedPictures implements Runnable {

    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    private static final int BITS = 20;
    private static final int BLOCK = 32;
    private static final byte WHITE = (byte) 235;
    private static final byte BLACK = 16;

    private final OutputStream out;
    private final int fps;
    private final long frames;
    private final byte[] picture = new byte[WIDTH * HEIGHT * 3 / 2];

    /** {@code frames} pictures at {@code fps} into {@code out} (an encoder's stdin), then closes it. */
    TimeStampedPictures(OutputStream out, int fps, long frames) {
        this.out = out;
        this.fps = fps;
        this.frames = frames;
        Arrays.fill(picture, WIDTH * HEIGHT, picture.length, (byte) 128); // grey chroma
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try (out) {
            for (long n = 0; n < frames && !Thread.currentThread().isInterrupted(); n++) {
                long due = start + n * 1_000_000_000L / fps;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                paint(n, System.currentTimeMillis());
                out.write(picture);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the encoder went away or the bench is over
        }
    }

    private void paint(long n, long nowMs) {
        int code = (int) (nowMs & ((1 << BITS) - 1));
        for (int y = 2 * BLOCK; y < HEIGHT; y++) { // a diagonal pattern sliding 4 pixels a frame
            int row = y * WIDTH;
            for (int x = 0; x < WIDTH; x++) {
                picture[row + x] = (byte) (((x + y + 4 * n) & 0xFF) >> 1);
            }
        }
        int box = (int) (n * 8 % (WIDTH - 64)); // and a box crossing it
        for (int y = 200; y < 264; y++) {
            Arrays.fill(picture, y * WIDTH + box, y * WIDTH + box + 64, WHITE);
        }
        for (int i = 0; i < BITS; i++) {
            boolean one = (code >> i & 1) == 1;
            for (int y = 0; y < BLOCK; y++) {
                Arrays.fill(picture, y * WIDTH + i * BLOCK, y * WIDTH + (i + 1) * BLOCK, one ? WHITE : BLACK);
                Arrays.fill(picture, (y + BLOCK) * WIDTH + i * BLOCK, (y + BLOCK) * WIDTH + (i + 1) * BLOCK,
                        one ? BLACK : WHITE);
            }
        }
    }
}
