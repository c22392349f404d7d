package dev.skep.monitor.react;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the SMTP server.
 *
 * @param security     NONE (plain, e.g. a local relay), STARTTLS (upgrade on 587, required), or TLS (implicit, 465)
 * @param user         null for no authentication
 * @param from         the sender address, e.g. "skep@example.com"
 * @param timeout      connect, read and write timeout
 * @param dashboardUrl base of links in mails, e.g. "https://skep.example.com"; null for no link
 */
public record MailConfig(String host, int port, Security security, String user, String password, String from,
                         Duration timeout, String dashboardUrl) {

    public enum Security { NONE, STARTTLS, TLS }

    public MailConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(from, "from");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, found " + port);
        }
        timeout = timeout == null ? Duration.ofSeconds(20) : timeout;
    }

    @Override
    public String toString() {
        return "MailConfig[" + host + ":" + port + " " + security + (user == null ? "" : " as " + user) + "]";
    }
}
