package dev.skep.server;

import dev.skep.api.ReleaseHistory;
import dev.skep.deploy.BuildLogs.BuildFacts;
import dev.skep.deploy.Deployer;
import dev.skep.model.AppId;
import java.util.Map;
import java.util.TreeMap;

/** The deployer's record of releases (failures, build facts) as the API shows it. */
record DeployHistory(Deployer deployer) implements ReleaseHistory {

    @Override
    public Map<Integer, String> failures(AppId app) {
        Map<Integer, String> reasons = new TreeMap<>();
        deployer.failures(app).forEach((n, f) -> reasons.put(n, f.reason()));
        return reasons;
    }

    @Override
    public Map<Integer, BuildFacts> builds(AppId app) {
        return deployer.buildLogs().facts(app);
    }
}
