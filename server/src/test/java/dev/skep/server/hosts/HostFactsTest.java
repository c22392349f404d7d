package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.hosts.HostFailure;
import org.junit.jupiter.api.Test;

/**
 * skep hosts add looks at the host first (one command, before anything is made or copied there) and refuses one it
 * cannot run on with why: not Linux, not x86_64 or aarch64, not this machine's architecture, no way to keep the
 * role running.
 */
class HostFactsTest {

    private static HostFacts said(String unameS, String unameM) throws HostFailure {
        return HostFacts.parse("h1", unameS + "\n" + unameM + "\n0\n/root\nsystemd\nsetsid\n");
    }

    @Test
    void linuxOnEitherArchitectureFromTheSameIsTaken() throws HostFailure {
        HostFacts x86 = said("Linux", "x86_64");
        x86.requireSupported("h1", "x86_64");
        assertThat(x86).isEqualTo(new HostFacts("Linux", "x86_64", 0, "/root", true, true));
        said("Linux", "aarch64").requireSupported("h1", "aarch64");
        HostFacts user = HostFacts.parse("h1", "Linux\nx86_64\n1000\n/home/ops\nnone\nsetsid\n");
        user.requireSupported("h1", "x86_64");
        assertThat(user.uid()).isEqualTo(1000);
        assertThat(user.systemd()).isFalse();
    }

    @Test
    void anotherSystemIsRefusedNamingWhatItIs() {
        assertThatThrownBy(() -> said("Darwin", "arm64").requireSupported("h1", "aarch64"))
                .isInstanceOf(HostFailure.class)
                .hasMessage("h1 runs Darwin arm64: skep runs on Linux (x86_64 or aarch64) only");
        assertThatThrownBy(() -> said("FreeBSD", "amd64").requireSupported("h1", "x86_64"))
                .hasMessage("h1 runs FreeBSD amd64: skep runs on Linux (x86_64 or aarch64) only");
    }

    @Test
    void anotherArchitectureIsRefusedEvenWhenThisMachineHasItToo() {
        for (String arch : new String[] {"armv7l", "i686", "riscv64", "s390x", "ppc64le"}) {
            assertThatThrownBy(() -> said("Linux", arch).requireSupported("h1", arch)).as(arch)
                    .hasMessage("h1 is Linux " + arch + ": skep runs on Linux x86_64 or aarch64 only");
        }
    }

    @Test
    void theOtherSupportedArchitectureIsRefusedFromThisOne() {
        assertThatThrownBy(() -> said("Linux", "aarch64").requireSupported("h1", "x86_64"))
                .hasMessageStartingWith("h1 is aarch64 and this machine x86_64: skep copies its own Java and node")
                .hasMessageEndingWith("run skep hosts add from a aarch64 machine of the cluster");
    }

    @Test
    void aHostWithNeitherSystemdNorSetsidIsRefused() throws HostFailure {
        HostFacts bare = HostFacts.parse("h1", "Linux\nx86_64\n0\n/root\nnone\nno-setsid\n");
        assertThatThrownBy(() -> bare.requireSupported("h1", "x86_64"))
                .hasMessage("h1 has neither systemd nor setsid (util-linux): install util-linux there");
        HostFacts.parse("h1", "Linux\nx86_64\n0\n/root\nsystemd\nno-setsid\n").requireSupported("h1", "x86_64");
    }

    @Test
    void anAnswerThatIsNotTheCommandsIsRefused() {
        assertThatThrownBy(() -> HostFacts.parse("h1", "Linux\nx86_64\n"))
                .hasMessageContaining("skep hosts add needs a POSIX shell and uname on h1");
        assertThatThrownBy(() -> HostFacts.parse("h1", "Linux\nx86_64\nnot-a-uid\n/root\nnone\nsetsid\n"))
                .hasMessageContaining("cannot read");
    }
}
