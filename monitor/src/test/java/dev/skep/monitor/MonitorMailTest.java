package dev.skep.monitor;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.skep.model.AppId;
import dev.skep.model.Event;
import dev.skep.model.EventTypes;
import dev.skep.monitor.events.EventLogConfig;
import dev.skep.monitor.react.LogReactor;
import dev.skep.monitor.react.MailConfig;
import dev.skep.monitor.react.MailReactor;
import dev.skep.monitor.react.Recipients;
import dev.skep.monitor.react.RetryPolicy;
import dev.skep.monitor.rules.ExpireRule;
import dev.skep.monitor.rules.MonitorEvents;
import dev.skep.monitor.rules.Scope;
import dev.skep.monitor.support.Hmac;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole monitor against a real SMTP server (GreenMail), with short timings. */
class MonitorMailTest {

    static final AppId SHOP = new AppId("alice", "shop");
    static final String INSTANCE = "alice.shop.3.abc123";
    static final Duration T = Duration.ofSeconds(1);
    static final Duration TICK = Duration.ofMillis(100);

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    Monitor monitor;

    Monitor start(int smtpPort) {
        MonitorConfig config = MonitorConfig.defaults(dir.resolve("events"), Hmac.randomKey())
                .withTiming(Duration.ofSeconds(5), TICK, Duration.ofHours(1),
                        new RetryPolicy(50, Duration.ofMillis(100), Duration.ofMillis(400)));
        MailReactor mail = new MailReactor(
                new MailConfig("127.0.0.1", smtpPort, MailConfig.Security.NONE, null, null, "skep@example.com",
                        Duration.ofSeconds(2), "http://skep.test"),
                Recipients.fixed(List.of("ops@example.com")),
                (app, instance, n) -> List.of("Error: boom", "    at server.js:3"), Clock.systemUTC());
        monitor = Monitor.start(config, List::of,
                app -> List.of(new ExpireRule("heartbeat", ExpireRule.Signal.HEARTBEAT, T, Scope.INSTANCE, null)),
                List.of(mail, new LogReactor()), Clock.systemUTC());
        return monitor;
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
    }

    @Test
    void an_instance_that_stops_beating_gives_one_mail_then_a_resolved_mail_when_it_beats_again() throws Exception {
        Monitor m = start(smtp.getSmtp().getPort());
        String secret = m.heartbeats().secretFor(INSTANCE);
        assertThat(m.heartbeats().beat(INSTANCE, secret)).isTrue();
        Instant lastBeat = Instant.now();

        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 1);
        Duration took = Duration.between(lastBeat, Instant.now());
        assertThat(took).isLessThan(T.plus(TICK).plus(Duration.ofMillis(1500))); // T + one tick + delivery
        MimeMessage fired = smtp.getReceivedMessages()[0];
        assertThat(fired.getSubject()).startsWith("[skep] ALERT alice/shop: no heartbeat from " + INSTANCE);
        String body = GreenMailUtil.getBody(fired);
        assertThat(body).contains("Instance: " + INSTANCE, "Since:", "Error: boom", "http://skep.test/apps/alice/shop");

        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> smtp.getReceivedMessages().length == 1);
        assertThat(m.heartbeats().beat(INSTANCE, secret)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 2);
        assertThat(smtp.getReceivedMessages()[1].getSubject()).startsWith("[skep] RESOLVED alice/shop: no heartbeat");
        assertThat(m.events().query(SHOP, "alert.", null, 10)).extracting(Event::type)
                .containsExactly(MonitorEvents.ALERT_FIRED, MonitorEvents.ALERT_RESOLVED);
    }

    @Test
    void a_crash_looping_app_gives_one_mail_not_a_storm() throws Exception {
        Monitor m = start(smtp.getSmtp().getPort());
        for (int i = 0; i < 40; i++) {
            String instance = "alice.shop.3.00000" + (i % 3);
            m.events().emit(new Event(null, EventTypes.INSTANCE_EXITED, SHOP, 3, instance, "h", "code 1", Map.of()));
            m.events().emit(new Event(null, EventTypes.INSTANCE_CRASH_LOOP, SHOP, 3, instance, "h",
                    "died 5 times in 60s", Map.of()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length >= 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> smtp.getReceivedMessages().length == 1);
        assertThat(smtp.getReceivedMessages()[0].getSubject())
                .isEqualTo("[skep] ALERT alice/shop: instance.crash-loop on alice.shop.3.000000 (release 3): died 5 "
                        + "times in 60s");
    }

    @Test
    void an_alert_raised_while_smtp_is_down_is_delivered_once_it_is_up() throws Exception {
        int port = freePort();
        Monitor m = start(port);
        m.events().emit(new Event(null, EventTypes.DEPLOY_FAILED, SHOP, 4, null, "h", "never got ready", Map.of()));

        await().atMost(Duration.ofSeconds(10)).until(() ->
                !m.events().query(SHOP, MonitorEvents.REACTOR_FAILED, null, 10).isEmpty());
        assertThat(m.events().query(SHOP, MonitorEvents.REACTOR_FAILED, null, 10).get(0).data())
                .containsEntry("reactor", "mail").containsEntry("gaveUp", "false");

        GreenMail late = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        late.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> late.getReceivedMessages().length == 1);
            assertThat(late.getReceivedMessages()[0].getSubject())
                    .isEqualTo("[skep] ALERT alice/shop: deploy.failed (release 4): never got ready");
        } finally {
            late.stop();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
