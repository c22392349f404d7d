package dev.skep.server;

import dev.skep.model.net.AddressRange;
import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.react.MailConfig;
import dev.skep.monitor.settings.AlertSettingsStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** The monitor's flags of `skep server` (a picocli mixin): SMTP, install-wide recipients, timings. */
final class MonitorFlags {

    @Option(names = "--smtp-host", paramLabel = "HOST", description = "SMTP server for alert mail (default: no mail)")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "PORT", description = "default: 25, 587 with starttls, 465 with tls")
    Integer smtpPort;

    @Option(names = "--smtp-user", paramLabel = "USER", description = "SMTP login (default: none)")
    String smtpUser;

    @Option(names = "--smtp-password", paramLabel = "PASSWORD",
            description = "SMTP password (default: $SKEP_SMTP_PASSWORD; prefer the variable: flags show in ps)")
    String smtpPassword;

    @Option(names = "--smtp-from", paramLabel = "ADDRESS", description = "sender of alert mail (default: skep@HOST)")
    String smtpFrom;

    @Option(names = "--smtp-security", paramLabel = "MODE", defaultValue = "none",
            description = "none, starttls or tls (default: ${DEFAULT-VALUE})")
    String smtpSecurity;

    @Option(names = "--alert-mail", paramLabel = "ADDRESS", split = ",",
            description = "who gets install alerts, and alerts of apps that name no recipients of their own")
    List<String> alertMail = new ArrayList<>();

    @Option(names = "--webhook", paramLabel = "URL", split = ",",
            description = "where install alerts, and alerts of apps that name no webhooks of their own, are POSTed; "
                    + "trusted: may be an internal address")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--webhook-allow", paramLabel = "CIDR", split = ",",
            description = "internal ranges apps' own webhooks may reach, e.g. 10.0.5.0/24 (default: none; loopback, "
                    + "private, link-local and metadata addresses are refused)")
    List<String> webhookAllow = new ArrayList<>();

    @Option(names = "--dashboard-url", paramLabel = "URL", description = "base of the links in alerts")
    String dashboardUrl;

    @Option(names = "--monitor-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "how often alert rules are checked and instances sampled (default: ${DEFAULT-VALUE})")
    double intervalSeconds;

    MonitorOptions options(Map<String, String> env) {
        if (intervalSeconds < 0.1 || intervalSeconds > 300) {
            throw new IllegalArgumentException("--monitor-interval must be 0.1-300 seconds, found " + intervalSeconds);
        }
        Duration interval = Duration.ofMillis(Math.round(intervalSeconds * 1000));
        List<String> recipients = alertMail.stream().map(AlertSettingsStore::requireAddress).toList();
        List<URI> hooks = webhooks.stream().map(AlertSettingsStore::requireWebhook).toList();
        List<AddressRange> allowed = new ArrayList<>();
        for (String cidr : webhookAllow) {
            try {
                allowed.add(AddressRange.parse(cidr));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--webhook-allow: " + e.getMessage());
            }
        }
        return new MonitorOptions(mail(env), recipients, hooks, dashboardUrl, interval, interval,
                Destinations.publicOnly(allowed));
    }

    private MailConfig mail(Map<String, String> env) {
        if (smtpHost == null) {
            if (smtpPort != null || smtpUser != null || smtpFrom != null) {
                throw new IllegalArgumentException("--smtp-port, --smtp-user and --smtp-from need --smtp-host");
            }
            return null;
        }
        MailConfig.Security security = switch (smtpSecurity.toLowerCase(Locale.ROOT)) {
            case "none" -> MailConfig.Security.NONE;
            case "starttls" -> MailConfig.Security.STARTTLS;
            case "tls" -> MailConfig.Security.TLS;
            default -> throw new IllegalArgumentException("--smtp-security must be none, starttls or tls, found '"
                    + smtpSecurity + "'");
        };
        int port = smtpPort != null ? smtpPort : switch (security) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
        String password = smtpPassword != null ? smtpPassword : env.get("SKEP_SMTP_PASSWORD");
        if (smtpUser != null && password == null) {
            throw new IllegalArgumentException("--smtp-user needs a password: set SKEP_SMTP_PASSWORD");
        }
        String from = smtpFrom != null ? AlertSettingsStore.requireAddress(smtpFrom) : "skep@" + hostName();
        return new MailConfig(smtpHost, port, security, smtpUser, password, from, Duration.ofSeconds(20), dashboardUrl);
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return host.contains(".") ? host : host + ".localdomain";
        } catch (IOException e) {
            return "localhost.localdomain";
        }
    }
}
