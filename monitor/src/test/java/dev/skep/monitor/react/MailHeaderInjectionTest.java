package dev.skep.monitor.react;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.skep.model.AppId;
import dev.skep.monitor.rules.Alert;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile text in every field an alert mail carries (rule, instance or host, summary from app messages, log
 * lines) against a real SMTP server: CR/LF never starts a header, a recipient or a second message.
 */
class MailHeaderInjectionTest {

    static final String INJECT = "\r\nBcc: victim@evil.test\r\nX-Injected: yes\r\n\r\nforged body";
    static final String INJECT_LF = "\nX-Injected-Lf: yes\n";
    static final String INJECT_CR = "\rX-Injected-Cr: yes\r";

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Test
    void crlfInAnyFieldNeverStartsAHeaderOrARecipient() throws Exception {
        List<String> logLines = List.of("line one" + INJECT, "\r\n.\r\nMAIL FROM:<x@evil.test>\r\nRCPT TO:<victim@evil.test>",
                "\n.\nDATA\n", "bare\u2028separator\u0085next");
        MailReactor mail = new MailReactor(new MailConfig("127.0.0.1", smtp.getSmtp().getPort(),
                MailConfig.Security.NONE, null, null, "skep@example.com", Duration.ofSeconds(5), "http://skep.test"),
                Recipients.fixed(List.of("ops@example.com")), (app, instance, n) -> logLines, Clock.systemUTC());
        Alert alert = new Alert("rule" + INJECT, "event" + INJECT_LF, new AppId("alice", "shop"),
                "alice.shop.1.abc" + INJECT_CR + INJECT, Alert.Status.FIRING, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:01:00Z"), "crashed: " + INJECT + INJECT_LF + INJECT_CR + "\t"
                + "x".repeat(300), List.of());

        mail.deliver(alert);

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).as("one message, to the one recipient").hasSize(1);
        MimeMessage m = received[0];
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("ops@example.com");
        assertThat(m.getRecipients(Message.RecipientType.BCC)).isNull();
        List<String> headerNames = Collections.list(m.getAllHeaders()).stream().map(h -> h.getName()).toList();
        assertThat(headerNames).noneMatch(h -> h.startsWith("X-Injected"));
        assertThat(headerNames.stream().filter(h -> h.equalsIgnoreCase("Subject"))).hasSize(1);
        String subject = m.getSubject();
        assertThat(subject).startsWith("[skep] ALERT alice/shop: crashed:").doesNotContain("\r", "\n")
                .hasSizeLessThanOrEqualTo(160);
        String body = m.getContent().toString();
        assertThat(body.lines()).contains("Instance: alice.shop.1.abc X-Injected-Cr: yes Bcc: victim@evil.test"
                + " X-Injected: yes forged body", "Rule:     rule Bcc: victim@evil.test X-Injected: yes forged body"
                + " (event X-Injected-Lf: yes)");
        assertThat(body.lines()).as("each log line stays one indented line").filteredOn(l -> l.contains("MAIL FROM"))
                .singleElement().asString().startsWith("  ");
        assertThat(Arrays.stream(smtp.getReceivedMessages())).hasSize(1);
    }
}
