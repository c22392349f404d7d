package dev.skep.monitor.react;

import dev.skep.monitor.rules.Alert;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Mails alerts over SMTP (Angus Mail). One plain-text mail per notification; its subject says what and where,
 * its body since when, which instance, the last log lines, and a link to the app.
 */
public final class MailReactor implements Reactor {

    static final int LOG_LINES = 20;

    private final MailConfig config;
    private final Recipients recipients;
    private final LogTail tail;
    private final Clock clock;
    private final Session session;

    public MailReactor(MailConfig config, Recipients recipients, LogTail tail, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.recipients = Objects.requireNonNull(recipients, "recipients");
        this.tail = Objects.requireNonNull(tail, "tail");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.session = Session.getInstance(properties(config));
    }

    @Override
    public String name() {
        return "mail";
    }

    @Override
    public void deliver(Alert alert) throws MessagingException {
        List<String> to = recipients.forApp(alert.app());
        if (to.isEmpty()) {
            return; // nobody to tell: not a failure
        }
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(config.from()));
        for (String address : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
        }
        message.setSubject(AlertText.subject(alert), "UTF-8");
        message.setText(AlertText.body(alert, lines(alert), config.dashboardUrl()), "UTF-8");
        message.setSentDate(Date.from(clock.instant()));
        if (config.user() != null) {
            Transport.send(message, config.user(), config.password());
        } else {
            Transport.send(message);
        }
    }

    private List<String> lines(Alert alert) {
        if (alert.app() == null || alert.status() == Alert.Status.RESOLVED) {
            return List.of();
        }
        try {
            return tail.lastLines(alert.app(), alert.instance(), LOG_LINES);
        } catch (RuntimeException e) {
            return List.of("(log lines unavailable: " + e.getMessage() + ")");
        }
    }

    private static Properties properties(MailConfig c) {
        Properties p = new Properties();
        String timeout = String.valueOf(c.timeout().toMillis());
        p.put("mail.smtp.host", c.host());
        p.put("mail.smtp.port", String.valueOf(c.port()));
        p.put("mail.smtp.auth", String.valueOf(c.user() != null));
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        switch (c.security()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> {
            }
        }
        return p;
    }
}
