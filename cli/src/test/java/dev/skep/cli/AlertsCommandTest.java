package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** skep alerts USER/APP's mail line: an install without a mail server says so rather than "(the install's)". */
class AlertsCommandTest extends CliTestCase {

    private String mailLine(String mail, Boolean mailServer) {
        fake.on("GET", "/v1/apps/alice/shop/alerts", 200, "{\"app\":\"alice/shop\",\"mail\":" + mail
                + ",\"webhooks\":[],\"rules\":[],\"webhookSecret\":\"ab12\""
                + (mailServer == null ? "" : ",\"mailServer\":" + mailServer) + "}");
        CliRun.Result result = new CliRun(fake, home).run("alerts", "alice/shop");
        assertThat(result.exit()).isZero();
        return result.out().lines().filter(l -> l.startsWith("mail:")).findFirst().orElseThrow();
    }

    @Test
    void withoutAMailServerTheMailLineSaysNoneGoesOutAndHowToSetOne() {
        assertThat(mailLine("[]", false)).isEqualTo("mail:     none: the install has no mail server "
                + "(skep server --smtp-host HOST; see --smtp-* in the README)");
        assertThat(mailLine("[\"ops@example.com\"]", false)).startsWith("mail:     ops@example.com, but none is "
                + "sent: the install has no mail server");
    }

    @Test
    void withAMailServerTheRecipientsShow() {
        assertThat(mailLine("[]", true)).isEqualTo("mail:     (the install's)");
        assertThat(mailLine("[\"ops@example.com\"]", true)).isEqualTo("mail:     ops@example.com");
        assertThat(mailLine("[]", null)).as("an older server, which does not say").isEqualTo("mail:     (the install's)");
    }
}
