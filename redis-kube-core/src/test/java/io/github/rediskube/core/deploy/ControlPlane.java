package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the control-plane tests play on fabric8's mock API server, where no controller runs: the
 * StatefulSet controller's status and claims, a StorageClass, and the request log.
 */
final class ControlPlane {

    /**
     * How the tests deploy: create-or-update (the mock server has no server-side apply), deletion waits
     * bounded at 10 s.
     */
    static final DeployOptions MOCK_OPTIONS = DeployOptions.DEFAULT
            .withStrategy(DeployOptions.ApplyStrategy.CREATE_OR_UPDATE).withDeleteTimeout(Duration.ofSeconds(10))
            .withPasswordFileRefresh(Duration.ZERO);   // no kubelet here: storePassword returns at once

    private ControlPlane() {
    }

    /**
     * Plays the StatefulSet controller: every wanted pod exists on the current revision, {@code ready} of
     * them ready.
     */
    static void reportStatus(KubernetesClient client, String namespace, String statefulSet, int ready) {
        client.apps().statefulSets().inNamespace(namespace).withName(statefulSet).edit(s -> {
            int wanted = s.getSpec().getReplicas();
            s.setStatus(new StatefulSetStatusBuilder().withReplicas(wanted).withReadyReplicas(Math.min(ready, wanted))
                    .withUpdatedReplicas(wanted).withCurrentRevision(statefulSet + "-1")
                    .withUpdateRevision(statefulSet + "-1").withObservedGeneration(s.getMetadata().getGeneration())
                    .build());
            return s;
        });
    }

    /** Plays the StatefulSet controller: every wanted pod exists, ready, on the current revision. */
    static void reportReady(KubernetesClient client, String namespace, String statefulSet) {
        reportStatus(client, namespace, statefulSet, Integer.MAX_VALUE);
    }

    /** Plays the StatefulSet controller: the claim {@code data-<pod>} it makes from the claim template. */
    static PersistentVolumeClaim createClaim(KubernetesClient client, String namespace, String pod,
                                             Map<String, String> labels, String size) {
        return client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName("data-" + pod)
                    .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withNewResources()
                        .addToRequests("storage", new Quantity(size))
                    .endResources()
                .endSpec()
                .build()).create();
    }

    static void createStorageClass(KubernetesClient client, String name, boolean expandable) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata()
                    .withName(name)
                .endMetadata()
                .withProvisioner("example.com/csi")
                .withAllowVolumeExpansion(expandable)
                .build()).createOr(NonDeletingOperation::update);
    }

    /** @return the requests the server received since the last call, as "METHOD path", draining its log */
    static List<String> recordedRequests(KubernetesMockServer server) throws InterruptedException {
        List<String> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        return requests;
    }

    /** @return the requests that are not reads */
    static List<String> writes(List<String> requests) {
        return requests.stream().filter(r -> !r.startsWith("GET")).toList();
    }
}
