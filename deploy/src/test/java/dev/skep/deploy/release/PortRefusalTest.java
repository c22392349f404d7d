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
    void otherFailuresGetNoPortAdvice() {
        assertThat(PortRefusal.in(List.of("Error: listen EADDRINUSE: address already in use :::3000",
                "missing DATABASE_URL, giving up", "EPERM: operation not permitted, open '/etc/shadow'"))).isEmpty();
    }
}
