package dev.skep.model.view;

import java.util.List;

/** An app's hosts: the default one, always there, and the custom domains its owner added. */
public record DomainsView(String app, String defaultHost, List<String> domains) {
}
