package dev.skep.hosts;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * The host key check against a known_hosts file, as OpenSSH's StrictHostKeyChecking=yes (or accept-new)
 * does: a known key passes, an unknown one is refused unless accepting new keys (then it is recorded),
 * and a changed one is always refused. Remembers what it saw, so the failure can say so.
 */
final class KnownHostsCheck extends KnownHostsServerKeyVerifier {

    enum Verdict { NONE, KNOWN, UNKNOWN_REFUSED, UNKNOWN_RECORDED, CHANGED }

    private volatile Verdict verdict = Verdict.NONE;
    private volatile String fingerprint = "";
    private volatile String expected = "";

    KnownHostsCheck(Path file, boolean acceptNew) {
        super((session, address, key) -> acceptNew, file);
        setModifiedServerKeyAcceptor(this::refuseChanged);
    }

    private boolean refuseChanged(ClientSession session, SocketAddress address, KnownHostEntry entry,
                                  PublicKey expectedKey, PublicKey actual) {
        verdict = Verdict.CHANGED;
        fingerprint = KeyUtils.getFingerPrint(actual);
        expected = KeyUtils.getFingerPrint(expectedKey);
        return false;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress address, PublicKey key) {
        fingerprint = KeyUtils.getFingerPrint(key);
        boolean ok = super.verifyServerKey(session, address, key);
        if (ok && verdict == Verdict.NONE) {
            verdict = Verdict.KNOWN;
        }
        return ok;
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress address, PublicKey key) {
        boolean accepted = super.acceptUnknownHostKey(session, address, key);
        verdict = accepted ? Verdict.UNKNOWN_RECORDED : Verdict.UNKNOWN_REFUSED;
        return accepted;
    }

    Verdict verdict() {
        return verdict;
    }

    String fingerprint() {
        return fingerprint;
    }

    String expectedFingerprint() {
        return expected;
    }
}
