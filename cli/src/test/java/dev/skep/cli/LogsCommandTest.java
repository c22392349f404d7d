package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.client.FakeSkep;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class LogsCommandTest extends CliTestCase {

    private static final String LOGS = "/v1/apps/alice/shop/logs";
    private static final String LINE_1 = "2026-11-26T01:02:03.456Z alice.shop.3.ab12cd stdout hello";
    private static final String LINE_2 = "2026-11-26T01:02:04.000Z alice.shop.3.ab12cd stderr oops";

    @Test
    void printsTheLast100LinesByDefault() {
        fake.on("GET", LOGS, 200, LINE_1 + "\n" + LINE_2 + "\n");

        CliRun.Result result = new CliRun(fake, home).run("logs", "alice/shop");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).isEqualTo(LINE_1 + "\n" + LINE_2 + "\n");
        assertThat(fake.last().query()).isEqualTo("follow=false&tail=100");
    }

    @Test
    void followsWithAGivenTail() {
        fake.on("GET", LOGS, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "text/plain")) {
                FakeSkep.writeLine(out, LINE_1);
                FakeSkep.writeLine(out, ""); // the server's keep-alive: not printed
                FakeSkep.writeLine(out, LINE_2);
            }
        });

        CliRun.Result result = new CliRun(fake, home).run("logs", "-f", "-n", "5", "alice/shop");

        assertThat(result.out()).isEqualTo(LINE_1 + "\n" + LINE_2 + "\n");
        assertThat(fake.last().query()).isEqualTo("follow=true&tail=5");
        // the server ended the stream (it only does when it stops): said, not a silent exit 0
        assertThat(result.exit()).isEqualTo(SkepCli.EXIT_UNREACHABLE);
        assertThat(result.err()).contains("ended the log of alice/shop (it stopped or restarted)",
                "run the command again");
    }

    @Test
    void refusesANegativeTail() {
        assertThat(new CliRun(fake, home).run("logs", "-n", "-3", "alice/shop").exit()).isEqualTo(2);
        assertThat(fake.requests()).isEmpty();
    }
}
