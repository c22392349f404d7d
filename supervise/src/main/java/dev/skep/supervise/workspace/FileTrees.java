package dev.skep.supervise.workspace;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Whole-tree operations on the agent's own dirs: copy (through cp, so reflinks are used where the filesystem has them), delete. */
public final class FileTrees {

    private FileTrees() {
    }

    /** {@code cp -a --reflink=auto from to}: a full copy (data shared only on reflink filesystems), never hardlinks. */
    public static void copy(Path from, Path to) throws IOException {
        run(List.of("/bin/cp", "-a", "--reflink=auto", "--", from.toString(), to.toString()));
    }

    /** Copies what is inside {@code from} into the existing dir {@code to}. */
    public static void copyContents(Path from, Path to) throws IOException {
        run(List.of("/bin/cp", "-a", "--reflink=auto", "--", from + "/.", to.toString()));
    }

    /** Numeric owner of everything under {@code root} (links themselves, never followed). */
    public static void chown(Path root, int uid, int gid) throws IOException {
        run(List.of("/bin/chown", "-R", "-h", uid + ":" + gid, "--", root.toString()));
    }

    /** Gives the owner write access to everything under {@code root} (a copy of a read-only slug). */
    public static void ownerWritable(Path root) throws IOException {
        run(List.of("/bin/chmod", "-R", "u+w", "--", root.toString()));
    }

    /** Deletes {@code root} and everything under it, read-only dirs too; nothing when absent. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                if (!mode.contains(PosixFilePermission.OWNER_WRITE) || !mode.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    mode.add(PosixFilePermission.OWNER_WRITE);
                    mode.add(PosixFilePermission.OWNER_EXECUTE);
                    mode.add(PosixFilePermission.OWNER_READ);
                    Files.setPosixFilePermissions(dir, mode);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Bytes of the regular files under {@code root} (what the volume holds, not its blocks). */
    public static long size(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took longer than 10 minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed (code " + process.exitValue() + "): " + output.strip());
        }
    }
}
