package dev.skep.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.RouteSettings;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The app settings documents the API stores: read back as written, none as empty, a broken one named. */
class ApiJsonTest {

    private final AppId shop = new AppId("alice", "shop");

    @Test
    void aWrittenDocumentReadsBackAndNoneIsEmpty() {
        RouteSettings settings = RouteSettings.DEFAULTS.with(1024L, true, null, null);

        String json = ApiJson.writeDocument(settings, "route settings");

        assertThat(ApiJson.readDocument(shop, Optional.of(json), RouteSettings.class, "route settings"))
                .contains(settings);
        assertThat(ApiJson.readDocument(shop, Optional.empty(), RouteSettings.class, "route settings")).isEmpty();
    }

    @Test
    void anUnreadableDocumentNamesWhatAndWhose() {
        assertThatThrownBy(() -> ApiJson.readDocument(shop, Optional.of("{\"nope\":1}"), RouteSettings.class,
                "route settings"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("route settings of alice/shop cannot be read: ");
    }
}
