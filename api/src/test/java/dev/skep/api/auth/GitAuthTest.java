package dev.skep.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class GitAuthTest {

    @Test
    void gitsUserNameIsIgnoredAndTheTokenIsThePassword() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("whoever:skp_abc:def".getBytes(StandardCharsets.UTF_8));
        assertThat(GitAuth.tokenOnly(basic)).isEqualTo("Bearer skp_abc:def");
        assertThat(GitAuth.tokenOnly("Bearer skp_x")).isEqualTo("Bearer skp_x");
        assertThat(GitAuth.tokenOnly(null)).isNull();
        assertThat(GitAuth.tokenOnly("Basic !!!")).as("malformed: the authenticator says so").isEqualTo("Basic !!!");
        assertThat(GitAuth.tokenOnly("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes())))
                .startsWith("Basic ");
    }
}
