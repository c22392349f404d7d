package dev.skep.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The IPv6 loopback {@code ::1} for a listener on the IPv4 one. Browsers, curl and stock Debian's
 * /etc/hosts resolve "localhost" to ::1 first: if skep listened on 127.0.0.1 alone, any app on the host
 * could listen on [::1] at skep's port and collect the tokens and cookies sent to "localhost". So every
 * port skep serves on 127.0.0.1 is held on ::1 too.
 */
public final class LoopbackTwin {

    private LoopbackTwin() {
    }

    /** ::1 when {@code bind} is an IPv4 loopback address; empty for anything else (a host's own address, a wildcard). */
    public static Optional<InetAddress> of(String bind) {
        try {
            InetAddress address = InetAddress.getByName(bind);
            if (address instanceof Inet4Address && address.isLoopbackAddress()) {
                return Optional.of(InetAddress.getByAddress("localhost", ipv6Loopback()));
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] ipv6Loopback() {
        byte[] bytes = new byte[16];
        bytes[15] = 1;
        return bytes;
    }

    /**
     * Whether a failed bind of the twin means another process holds it (a risk to report loudly), rather
     * than a host without IPv6 (nothing to hold).
     */
    public static boolean takenByAnother(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("address already in use")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Logs a twin that could not be held: an error when another process holds it, else (no IPv6 on this
     * host) a note.
     */
    public static void report(Logger log, String what, InetAddress twin, int port, Throwable e) {
        if (takenByAnother(e)) {
            log.error(problem(what, twin, port, e));
        } else {
            log.info(problem(what, twin, port, e));
        }
    }

    private static String problem(String what, InetAddress twin, int port, Throwable e) {
        return takenByAnother(e)
                ? "event=" + what + ".twin-taken address=[" + twin.getHostAddress() + "]:" + port + " risk=\"clients that "
                        + "resolve localhost to ::1 reach another process, not skep\" fix=\"find it with `ss -ltnp "
                        + "'sport = :" + port + "'`, stop it, restart skep\""
                : "event=" + what + ".twin-skipped address=[" + twin.getHostAddress() + "]:" + port + " why=\""
                        + e.getMessage() + "\" (no IPv6 on this host)";
    }
}
