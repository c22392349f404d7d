package dev.skep.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SshTargetTest {

    @Test
    void readsUserHostAndPort() {
        assertThat(SshTarget.parse("ssh://root@10.0.0.7")).isEqualTo(new SshTarget("root", "10.0.0.7", 22));
        assertThat(SshTarget.parse("ssh://deploy@web2.example.com:2222"))
                .isEqualTo(new SshTarget("deploy", "web2.example.com", 2222));
        assertThat(SshTarget.parse("deploy@web2")).isEqualTo(new SshTarget("deploy", "web2", 22));
        assertThat(SshTarget.parse("ssh://deploy@web2:2222").toString()).isEqualTo("ssh://deploy@web2:2222");
    }

    @Test
    void refusesATargetWithoutUserOrWithAPath() {
        assertThatThrownBy(() -> SshTarget.parse("ssh://web2")).hasMessageContaining("ssh://USER@HOST[:PORT]");
        assertThatThrownBy(() -> SshTarget.parse("ssh://a@web2/tmp")).hasMessageContaining("ssh://USER@HOST[:PORT]");
    }

    @Test
    void quotesAnythingForTheShell() {
        assertThat(Shell.quote("it's $HOME")).isEqualTo("'it'\\''s $HOME'");
    }
}
