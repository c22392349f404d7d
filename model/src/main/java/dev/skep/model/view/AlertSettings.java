package dev.skep.model.view;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * An app's alert settings ({@code GET|PUT /v1/apps/{user}/{app}/alerts}).
 *
 * @param mail          who gets mail about this app (the install's --alert-mail when empty)
 * @param webhooks      where alerts about this app are POSTed (the install's --webhook when empty)
 * @param rules         the app's own rules over the defaults, as in monitor/README-rules.md
 * @param webhookSecret answers only: the key of this app's webhook signatures (X-Skep-Signature)
 * @param mailServer    answers only: whether the install has an SMTP server ({@code --smtp-host}); without one no
 *                      alert mail goes out, whoever the recipients
 */
public record AlertSettings(String app, List<String> mail, List<String> webhooks, List<Map<String, Object>> rules,
                            String webhookSecret, Boolean mailServer) {

    @JsonCreator // the canonical one, not the request's below
    public AlertSettings {
        mail = mail == null ? List.of() : List.copyOf(mail);
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** A request's settings: what answers only carry is left out. */
    public AlertSettings(String app, List<String> mail, List<String> webhooks, List<Map<String, Object>> rules) {
        this(app, mail, webhooks, rules, null, null);
    }
}
