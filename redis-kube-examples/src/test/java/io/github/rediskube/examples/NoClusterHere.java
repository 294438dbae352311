package io.github.rediskube.examples;

import io.github.rediskube.junit.KubernetesClusters;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Makes sure the examples find no cluster (no kubeconfig, no K3s), so they take their dry-run path. */
final class NoClusterHere implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        System.setProperty(KubernetesClusters.KUBECONFIG_PROPERTY, "none");
        System.setProperty(KubernetesClusters.K3S_PROPERTY, "false");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.clearProperty(KubernetesClusters.KUBECONFIG_PROPERTY);
        System.clearProperty(KubernetesClusters.K3S_PROPERTY);
    }
}
