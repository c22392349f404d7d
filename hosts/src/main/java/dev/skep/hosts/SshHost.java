package dev.skep.hosts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * One logged-in SSH session to a host: run commands, send files (SFTP) and directory trees (a tar stream
 * into the remote {@code tar -x}). The host key is checked against a known_hosts file before anything
 * is sent; the login is by public key only.
 */
public final class SshHost implements AutoCloseable {

    private static final Duration CONNECT = Duration.ofSeconds(15);
    /** What a full file system (ENOSPC, out of blocks or inodes) makes tar, cp and the shell say. */
    private static final String NO_SPACE = "No space left on device";

    private final SshTarget target;
    private final SshClient client;
    private final ClientSession session;
    private SftpClient sftp; // one for the session: each costs a channel and a handshake

    private SshHost(SshTarget target, SshClient client, ClientSession session) {
        this.target = target;
        this.client = client;
        this.session = session;
    }

    /**
     * Connects and logs in.
     *
     * @param identities private key files to offer (OpenSSH or PEM; RSA, ECDSA and Ed25519 keys: Ed25519 through
     *                   Bouncy Castle, which MINA SSHD finds on the class path)
     * @param knownHosts the known_hosts file the host key must be in
     * @param acceptNew  record an unknown host key there instead of refusing it (a changed key is always refused)
     */
    public static SshHost connect(SshTarget target, List<Path> identities, Path knownHosts, boolean acceptNew)
            throws HostFailure {
        List<KeyPair> keys = loadKeys(identities);
        KnownHostsCheck check = new KnownHostsCheck(knownHosts, acceptNew);
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(check);
        client.start();
        ClientSession session = null;
        try {
            session = client.connect(target.user(), target.host(), target.port())
                    .verify(CONNECT.toMillis(), TimeUnit.MILLISECONDS).getSession();
            for (KeyPair key : keys) {
                session.addPublicKeyIdentity(key);
            }
            session.auth().verify(CONNECT.toMillis(), TimeUnit.MILLISECONDS);
            return new SshHost(target, client, session);
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            client.stop();
            throw explain(target, knownHosts, identities, check, e);
        }
    }

    private static HostFailure explain(SshTarget target, Path knownHosts, List<Path> identities, KnownHostsCheck check,
                                       Exception e) {
        String where = target.host() + (target.port() == 22 ? "" : ":" + target.port());
        return switch (check.verdict()) {
            case CHANGED -> new HostFailure("the host key of " + where + " has CHANGED: " + knownHosts + " has "
                    + check.expectedFingerprint() + ", the host now shows " + check.fingerprint() + ". Someone may be "
                    + "in the middle, or the host was reinstalled. If you know it was reinstalled, remove the old "
                    + "line (ssh-keygen -R '" + (target.port() == 22 ? target.host() : "[" + target.host() + "]:"
                    + target.port()) + "' -f " + knownHosts + ") and run again with --accept-new-host-key", e);
            case UNKNOWN_REFUSED -> new HostFailure("the host key of " + where + " (" + check.fingerprint()
                    + ") is not in " + knownHosts + ": check that fingerprint on the host (ssh-keygen -lf "
                    + "/etc/ssh/ssh_host_*_key.pub), then run again with --accept-new-host-key to record it", e);
            case NONE -> new HostFailure("cannot reach " + where + " over SSH: " + describe(e)
                    + ". Check the address and port, and that sshd runs there", e);
            case KNOWN, UNKNOWN_RECORDED -> new HostFailure("the login as " + target.user() + " on " + where
                    + " was refused (" + describe(e) + "): put the public key of " + identities
                    + " in that user's ~/.ssh/authorized_keys, or name another key with --identity FILE", e);
        };
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    static List<KeyPair> loadKeys(List<Path> identities) throws HostFailure {
        if (identities.isEmpty()) {
            throw new HostFailure("no SSH key to log in with: none of ~/.ssh/id_ecdsa, id_ed25519, id_rsa exists; "
                    + "name one with --identity FILE");
        }
        List<KeyPair> keys = new ArrayList<>();
        for (Path file : identities) {
            if (!Files.isReadable(file)) {
                throw new HostFailure("cannot read the SSH key " + file + ": give a readable private key with --identity");
            }
            try {
                int before = keys.size();
                for (KeyPair key : new FileKeyPairProvider(file).loadKeys(null)) {
                    keys.add(key);
                }
                if (keys.size() == before) { // a file it cannot parse may yield nothing rather than fail
                    throw new IllegalArgumentException("no private key found in it");
                }
            } catch (RuntimeException e) {
                throw new HostFailure("cannot load the SSH key " + file + " (" + describe(e) + "): skep reads "
                        + "unencrypted RSA, ECDSA and Ed25519 keys (ssh-keygen -t ed25519)", e);
            }
        }
        return keys;
    }

    public SshTarget target() {
        return target;
    }

    /** Runs {@code command} with sh on the host and waits for it (at most {@code timeout}). */
    public Result run(String command, Duration timeout) throws HostFailure {
        return run(command, null, timeout);
    }

    /** Runs {@code command} feeding it {@code stdin}, which is written then closed (EOF). */
    public Result run(String command, byte[] stdin, Duration timeout) throws HostFailure {
        return exec(command, timeout, in -> {
            if (stdin != null) {
                in.write(stdin);
            }
        });
    }

    /** What a command reads on its standard input, written by the caller. */
    public interface Feed {
        void write(OutputStream stdin) throws IOException;
    }

    /** Runs {@code command} with what {@code feed} writes on its standard input. */
    public Result exec(String command, Duration timeout, Feed feed) throws HostFailure {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(CONNECT.toMillis(), TimeUnit.MILLISECONDS);
            IOException stoppedReading = null;
            try (OutputStream stdin = channel.getInvertedIn()) {
                feed.write(stdin);
            } catch (IOException e) {
                if (!session.isOpen() || session.isClosing()) {
                    throw e;
                }
                // the session is up, so the command ended before it read all (a tar on a full disk): its exit
                // status and output say why, not this write
                stoppedReading = e;
            }
            var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS),
                    timeout.toMillis());
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new HostFailure("'" + shortened(command) + "' on " + target.host() + " did not finish within "
                        + timeout.toSeconds() + " s");
            }
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 5_000); // the rest of its output
            Integer exit = channel.getExitStatus();
            if (exit == null && !session.isOpen()) { // not the command's failure: the connection went
                throw new IOException("the connection closed before the command ended");
            }
            if (stoppedReading != null && (exit == null || exit == 0)) {
                throw stoppedReading; // it did not fail of its own: the write's failure is the news
            }
            return new Result(exit == null ? -1 : exit, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (IOException | IllegalStateException e) {
            if (e instanceof IllegalStateException && session.isOpen() && !session.isClosing()) {
                throw (IllegalStateException) e; // not the connection: a bug to see as one
            }
            // a session closing as a channel opens: MINA refuses the channel with an IllegalStateException
            throw new HostFailure("the SSH connection to " + target.host() + " failed while running '"
                    + shortened(command) + "': " + describe(e) + ". Run the same command again: it picks up "
                    + "where it stopped", e);
        }
    }

    /** {@code run}, failing unless the command exits 0; its output. */
    public String check(String what, String command, Duration timeout) throws HostFailure {
        Result result = run(command, timeout);
        if (!result.ok() && !result.lineWith(NO_SPACE).isEmpty()) {
            throw noSpace(firstPath(command), what + " stopped: " + result.lineWith(NO_SPACE));
        }
        if (!result.ok()) {
            throw new HostFailure(what + " failed on " + target.host() + " (exit " + result.exit() + "): "
                    + result.said());
        }
        return result.out();
    }

    private static String shortened(String command) {
        String line = command.replace('\n', ' ');
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }

    /** Sends a file over SFTP to {@code remote} (a sibling {@code .part} first, then renamed over it). */
    public void upload(Path local, String remote) throws HostFailure {
        try (InputStream in = Files.newInputStream(local)) {
            upload(in, remote);
        } catch (IOException e) {
            throw new HostFailure("cannot read " + local + ": " + describe(e), e);
        }
    }

    /** Sends bytes over SFTP to {@code remote}, atomically replacing what was there. */
    public void upload(InputStream content, String remote) throws HostFailure {
        String part = remote + ".part";
        try {
            if (sftp == null) {
                sftp = SftpClientFactory.instance().createSftpClient(session);
            }
        } catch (IOException e) {
            throw new HostFailure("cannot open SFTP on " + target.host() + ": " + describe(e) + " (sshd needs its "
                    + "sftp subsystem: 'Subsystem sftp internal-sftp' in sshd_config)", e);
        }
        try (OutputStream out = sftp.write(part)) {
            content.transferTo(out);
        } catch (IOException e) {
            try {
                run("rm -f " + Shell.quote(part), Duration.ofSeconds(30));
            } catch (HostFailure ignored) {
                // the failure below is the one to report
            }
            // OpenSSH's sftp-server answers a full disk with a bare "Failure": the free space tells
            long free = freeBytes(remote.substring(0, Math.max(1, remote.lastIndexOf('/'))));
            if (free >= 0 && free < 1 << 20) {
                throw noSpace(remote, free / 1024 + " KiB free; SFTP said: " + describe(e));
            }
            throw new HostFailure("copying to " + target.host() + ":" + remote + " over SFTP failed: " + describe(e)
                    + " (is sftp-server missing?)", e);
        }
        check("renaming " + part, "mv -f " + Shell.quote(part) + " " + Shell.quote(remote), Duration.ofSeconds(30));
    }

    /**
     * Sends the tree under {@code local} to {@code remote} as a tar stream, replacing what was there
     * (unpacked beside it, then swapped in). Files {@code skip} names are left out.
     */
    public void sendTree(Path local, String remote, Predicate<Path> skip, Duration timeout) throws HostFailure {
        String fresh = remote + ".new";
        String command = "rm -rf " + Shell.quote(fresh) + " && mkdir -p " + Shell.quote(fresh) + " && tar -x -C "
                + Shell.quote(fresh) + " && rm -rf " + Shell.quote(remote) + " && mv " + Shell.quote(fresh) + " "
                + Shell.quote(remote);
        Result result = exec(command, timeout, stdin -> {
            TarArchiveOutputStream tar = tar(stdin);
            addTree(tar, local, "", skip);
            tar.finish();
            tar.flush();
        });
        if (!result.ok()) {
            throw copyFailed("unpacking " + local + " into", remote, fresh, result);
        }
    }

    /**
     * Sends files and directory trees into {@code remoteDir} in one tar stream, each under the name its key
     * gives, replacing what had that name (unpacked aside first, then each moved in).
     */
    public void sendInto(Map<String, Path> entries, String remoteDir, Duration timeout) throws HostFailure {
        String incoming = remoteDir + ".incoming";
        String command = "rm -rf " + Shell.quote(incoming) + " && mkdir -p " + Shell.quote(incoming) + " && tar -x -C "
                + Shell.quote(incoming) + " && cd " + Shell.quote(incoming) + " && for f in * .[!.]*; do "
                + "[ -e \"$f\" ] || continue; rm -rf " + Shell.quote(remoteDir) + "/\"$f\" && mv \"$f\" "
                + Shell.quote(remoteDir) + "/; done && cd / && rmdir " + Shell.quote(incoming);
        Result result = exec(command, timeout, stdin -> {
            TarArchiveOutputStream tar = tar(stdin);
            for (var entry : entries.entrySet()) {
                addTree(tar, entry.getValue(), entry.getKey(), p -> false);
            }
            tar.finish();
            tar.flush();
        });
        if (!result.ok()) {
            throw copyFailed("unpacking " + entries.size() + " files into", remoteDir, incoming, result);
        }
    }

    /**
     * Why a copy into {@code remote} failed, after removing what it left half-unpacked in {@code partial} (on a
     * full disk that is the space the next try needs).
     */
    private HostFailure copyFailed(String what, String remote, String partial, Result result) {
        try {
            run("rm -rf " + Shell.quote(partial), Duration.ofSeconds(60));
        } catch (HostFailure e) {
            // the failure below is the one to report; the next try removes it first anyway
        }
        if (!result.lineWith(NO_SPACE).isEmpty()) {
            return noSpace(remote, "the copy stopped there: " + result.lineWith(NO_SPACE));
        }
        return new HostFailure(what + " " + target.host() + ":" + remote + " failed (exit " + result.exit() + "): "
                + result.said());
    }

    /** The bytes an unprivileged writer may still put on the file system holding {@code path}; -1 if unknown. */
    public long freeBytes(String path) {
        try {
            Result df = run("df -Pk " + Shell.quote(path) + " | awk 'NR == 2 { print $4 }'", Duration.ofSeconds(30));
            return df.ok() && df.out().strip().matches("[0-9]+") ? Long.parseLong(df.out().strip()) * 1024 : -1;
        } catch (HostFailure e) {
            return -1;
        }
    }

    /** A full file system under {@code remote}: which host, which path, what to do. */
    public HostFailure noSpace(String remote, String detail) {
        String parent = remote.lastIndexOf('/') > 0 ? remote.substring(0, remote.lastIndexOf('/')) : "/";
        return new HostFailure("no space left on the device at " + target.host() + ":" + remote + " (" + detail
                + "). Free space there (df -h " + parent + " shows what is left) or install into a --remote-dir on a "
                + "larger file system, then run the same command again");
    }

    /** The first quoted absolute path in a command: where a check that ran out of space wrote. */
    private static String firstPath(String command) {
        Matcher quoted = Pattern.compile("'(/[^']*)'").matcher(command);
        return quoted.find() ? quoted.group(1) : "(" + shortened(command) + ")";
    }

    private static TarArchiveOutputStream tar(OutputStream stdin) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(stdin, 1 << 16);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    /** {@code root} (a file or a tree) into the tar under {@code prefix} (empty: its contents at the top). */
    private static void addTree(TarArchiveOutputStream tar, Path root, String prefix, Predicate<Path> skip)
            throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                Path relative = root.relativize(path);
                if ((relative.toString().isEmpty() && prefix.isEmpty()) || skip.test(relative)) {
                    continue;
                }
                String name = prefix.isEmpty() ? relative.toString().replace('\\', '/')
                        : relative.toString().isEmpty() ? prefix : prefix + "/" + relative.toString().replace('\\', '/');
                TarArchiveEntry entry;
                boolean regular = false;
                if (Files.isSymbolicLink(path)) {
                    entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    entry = new TarArchiveEntry(name + "/");
                    entry.setMode(040755);
                } else {
                    entry = new TarArchiveEntry(name);
                    regular = true;
                    entry.setSize(Files.size(path));
                    entry.setMode(0100000 | (Files.isExecutable(path) ? 0755 : 0644));
                }
                tar.putArchiveEntry(entry);
                if (regular) { // TarArchiveEntry.isFile() is true of a symlink too
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
        }
    }

    @Override
    public void close() {
        if (sftp != null) {
            try {
                sftp.close();
            } catch (IOException e) {
                // the session goes next
            }
        }
        session.close(false);
        client.stop();
    }
}
