package io.kymux.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Who holds a local port, read from Linux's /proc (the sockets in /proc/net, then the
 * process whose descriptors include that socket): best effort, for an error message only.
 */
final class PortOwner {

    private PortOwner() {
    }

    /** ", by PROGRAM (pid N)", or "" when it cannot be told (another user's process, not Linux). */
    static String describe(String protocol, int port) {
        try {
            String inode = socketInode(protocol.toLowerCase(Locale.ROOT), port);
            if (inode == null) {
                return "";
            }
            String link = "socket:[" + inode + "]";
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    if (holds(proc, link)) {
                        String comm = Files.readString(proc.resolve("comm")).strip();
                        return ", by " + comm + " (pid " + proc.getFileName() + ")";
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing to add to the message
        }
        return "";
    }

    private static boolean holds(Path proc, String link) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(link)) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // not ours to read
        }
        return false;
    }

    /** The inode of the socket bound to {@code port} (TCP: listening), from /proc/net/{tcp,udp}{,6}. */
    private static String socketInode(String protocol, int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of(protocol, protocol + "6")) {
            Path p = Path.of("/proc/net", table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[1].endsWith(hexPort) && (!protocol.equals("tcp") || f[3].equals("0A"))) {
                    return f[9];
                }
            }
        }
        return null;
    }
}
