package dev.skep.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.deploy.release.CrashRollbackTest.MemoryDocuments;
import dev.skep.model.view.ProbationView;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What `skep set USER/APP` lists as the app's probation: the window in force, and whether it is the default. */
class ProbationSettingsTest {

    final MemoryDocuments documents = new MemoryDocuments();
    final ProbationSettings settings = new ProbationSettings(documents, Duration.ofSeconds(10));

    @Test
    void anAppThatSetNoneHasTheInstallsDefault() {
        assertThat(settings.view(CrashRollbackTest.SHOP)).isEqualTo(new ProbationView("alice/shop", 10, true));
    }

    @Test
    void anAppsOwnWindowIsShownAsItsOwnEvenWhenOff() {
        settings.set(CrashRollbackTest.SHOP, Duration.ofMinutes(2));
        assertThat(settings.view(CrashRollbackTest.SHOP)).isEqualTo(new ProbationView("alice/shop", 120, false));
        settings.set(CrashRollbackTest.SHOP, Duration.ZERO);
        assertThat(settings.view(CrashRollbackTest.SHOP)).isEqualTo(new ProbationView("alice/shop", 0, false));
        assertThat(settings.of(CrashRollbackTest.SHOP)).isZero();
    }

    @Test
    void anUnreadableSettingIsTheDefault() {
        documents.put(CrashRollbackTest.SHOP, ProbationSettings.DOCUMENT, "soon");
        assertThat(settings.view(CrashRollbackTest.SHOP)).isEqualTo(new ProbationView("alice/shop", 10, true));
        assertThat(settings.of(CrashRollbackTest.SHOP)).isEqualTo(Duration.ofSeconds(10));
    }
}
