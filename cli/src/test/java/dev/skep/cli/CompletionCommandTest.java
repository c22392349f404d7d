package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** skep completion: scripts made from the command model; the bash one run by a real bash (fish and zsh are not installed here). */
class CompletionCommandTest extends CliTestCase {

    @Test
    void bashCompletesEveryVerbAndItsOptions() throws Exception {
        CliRun.Result result = new CliRun(fake, home).run("completion", "bash");

        assertThat(result.exit()).as(result.err()).isZero();
        for (String verb : VerbsOnDemand.VERBS) {
            assertThat(result.out()).contains(verb);
        }
        assertThat(result.out()).contains("--token-stdin").contains("--print-url");
        Path script = home.resolve("skep.bash");
        Files.writeString(script, result.out());
        // bash itself must accept it, and complete "skep log" to login, logout and logs
        Process bash = new ProcessBuilder("bash", "-c", "source " + script
                + " && COMP_WORDS=(skep log) COMP_CWORD=1 COMP_LINE='skep log' COMP_POINT=8 && _complete_skep"
                + " && printf '%s\\n' \"${COMPREPLY[@]}\"").redirectErrorStream(true).start();
        assertThat(bash.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String completions = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.exitValue()).as(completions).isZero();
        assertThat(completions.lines()).contains("login", "logout", "logs");
    }

    @Test
    void fishAndZshScriptsAndAnUnknownShell() {
        CliRun.Result fish = new CliRun(fake, home).run("completion", "fish");
        assertThat(fish.out()).contains("complete -c skep -n __fish_use_subcommand -a deploy -d 'Pack DIR")
                .contains("complete -c skep -n '__fish_seen_subcommand_from login' -l token-stdin");
        assertThat(new CliRun(fake, home).run("completion", "zsh").out()).startsWith("autoload -U +X compinit");

        CliRun.Result tcsh = new CliRun(fake, home).run("completion", "tcsh");
        assertThat(tcsh.exit()).isEqualTo(SkepCli.EXIT_USAGE);
        assertThat(tcsh.err()).contains("no completion for shell 'tcsh': use bash, zsh or fish");
    }
}
