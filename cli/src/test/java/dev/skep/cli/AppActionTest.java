package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The words skep certs, domains and volumes share: which forms list, which change, which are refused. */
class AppActionTest {

    private final CommandSpec spec = new CommandLine(new DomainsCommand()).getCommandSpec();
    private static final List<String> CERTS = List.of(AppAction.LIST, "add", "rm");
    private static final List<String> DOMAINS = List.of("add", "rm");

    private AppAction parse(List<String> actions, String... args) {
        return AppAction.parse(spec, List.of(args), actions, "use: the verb's forms");
    }

    @Test
    void theAppAloneLists() {
        AppAction a = parse(DOMAINS, "alice/shop");

        assertThat(a.lists()).isTrue();
        assertThat(a.app()).isEqualTo(new AppId("alice", "shop"));
        assertThat(a.thing()).isNull();
    }

    @Test
    void lsBeforeTheAppListsOnlyWhereTheVerbTakesIt() {
        assertThat(parse(CERTS, "ls", "alice/shop").lists()).isTrue();
        assertThatThrownBy(() -> parse(DOMAINS, "ls", "alice/shop"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessage("use: the verb's forms");
    }

    @Test
    void aChangeNamesItsActionAppAndThing() {
        AppAction a = parse(DOMAINS, "rm", "alice/shop", "shop.example.com");

        assertThat(a.lists()).isFalse();
        assertThat(a.action()).isEqualTo("rm");
        assertThat(a.app()).isEqualTo(new AppId("alice", "shop"));
        assertThat(a.thing()).isEqualTo("shop.example.com");
    }

    @Test
    void refusesAnUnknownActionAMissingThingAndLsAsAChange() {
        for (String[] args : List.of(new String[] {"move", "alice/shop", "x"}, new String[] {"add", "alice/shop"},
                new String[] {"ls", "alice/shop", "x"}, new String[] {}, new String[] {"add", "alice/shop", "x", "y"})) {
            assertThatThrownBy(() -> parse(CERTS, args)).as(String.join(" ", args))
                    .isInstanceOf(CommandLine.ParameterException.class).hasMessage("use: the verb's forms");
        }
    }

    @Test
    void aBadAppIsAUsageError() {
        assertThatThrownBy(() -> parse(DOMAINS, "add", "alice", "shop.example.com"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }
}
