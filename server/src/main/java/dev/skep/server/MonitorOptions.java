package dev.skep.server;

import dev.skep.monitor.net.Destinations;
import dev.skep.monitor.react.MailConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The monitor's part of `skep server`'s configuration, read once from flags and environment.
 *
 * @param mail           how to reach the SMTP server, or null for no mail
 * @param alertMail      install-wide recipients: install alerts, and apps that name none of their own
 * @param webhooks       install-wide webhooks: install alerts, and apps that name none of their own
 * @param dashboardUrl   base of links in alerts, or null
 * @param tick           how often rules are judged against the clock (expiries), the "check interval"
 * @param sampleInterval how often instances are sampled (CPU, memory)
 * @param webhookTargets where apps' own webhooks may connect: public addresses and the admin's allowed ranges
 */
public record MonitorOptions(MailConfig mail, List<String> alertMail, List<URI> webhooks, String dashboardUrl,
                             Duration tick, Duration sampleInterval, Destinations webhookTargets) {

    public MonitorOptions {
        alertMail = List.copyOf(alertMail);
        webhooks = List.copyOf(webhooks);
        webhookTargets = webhookTargets == null ? Destinations.publicOnly(List.of()) : webhookTargets;
    }

    public static MonitorOptions defaults() {
        return new MonitorOptions(null, List.of(), List.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(5),
                null);
    }
}
