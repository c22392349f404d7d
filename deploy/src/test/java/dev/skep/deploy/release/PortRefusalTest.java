package dev.skep.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortRefusalTest {

    @Test
    void nodesRefusedListenIsNamedWithTheAddressItWanted() {
        List<String> lines = List.of(
                "2026-12-06T18:50:01Z alice.stubborn.2.ab12 stderr node:net:1908",
                "2026-12-06T18:50:01Z alice.stubborn.2.ab12 stderr Error: listen EPERM: operation not permitted "
                        + "127.0.0.1:39517",
                "2026-12-06T18:50:01Z alice.stubborn.2.ab12 stderr     at Server.setupListenHandle [as _listen2]");
        assertThat(PortRefusal.in(lines)).hasValueSatisfying(advice -> assertThat(advice)
                .startsWith("it tried to listen on 127.0.0.1:39517, which skep refuses")
                .contains("process.env.PORT"));
    }

    @Test
    void aColouredLineGivesTheAddressWithoutItsEscapeCodes() {
        // Nest's logger, as a NestJS app that listened on 3000 wrote it
        String nest = "2026-12-07T18:16:32.715Z alice.api.4.web.1.c229a5 stderr \u001b[31m[Nest] 2494  - \u001b[39m"
                + "12/07/2026, 6:16:32 PM \u001b[31m  ERROR\u001b[39m \u001b[38;5;3m[NestApplication] \u001b[39m\u001b[31m"
                + "Error: listen EPERM: operation not permitted 0.0.0.0:3000\u001b[39m\u001b[38;5;3m +17ms\u001b[39m";
        assertThat(PortRefusal.in(List.of(nest))).hasValueSatisfying(advice -> assertThat(advice)
                .startsWith("it tried to listen on 0.0.0.0:3000, which skep refuses"));
        assertThat(PortRefusal.in(List.of("Error: listen EPERM: operation not permitted :::8080"))).hasValueSatisfying(
                advice -> assertThat(advice).startsWith("it tried to listen on :::8080, which"));
    }

    @Test
    void otherFailuresGetNoPortAdvice() {
        assertThat(PortRefusal.in(List.of("Error: listen EADDRINUSE: address already in use :::3000",
                "missing DATABASE_URL, giving up", "EPERM: operation not permitted, open '/etc/shadow'"))).isEmpty();
    }
}
