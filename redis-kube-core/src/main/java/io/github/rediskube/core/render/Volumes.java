package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Volume primitives: mounts, emptyDirs, the ConfigMap, claim templates, and the volumes and mounts every
 * container that runs our scripts needs ({@link #scriptVolumes}, {@link #scriptMounts}: the ConfigMap read-only,
 * an in-memory runtime directory, {@code /tmp} and, with auth, the password file).
 */
final class Volumes {

    static final String CONFIG = "config";
    static final String RUNTIME = "runtime";
    static final String TMP = "tmp";

    private Volumes() {
    }

    static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }

    static VolumeMount readOnly(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
    }

    /**
     * @param volume     the pod volume's name
     * @param secretName the Secret
     * @param mode       the files' mode (the kubelet gives them the pod's fsGroup as their group)
     * @param keyToPath  each Secret key shown and its file name, in order
     * @return a volume of the Secret's keys, required to exist
     */
    static Volume secret(String volume, String secretName, int mode, Map<String, String> keyToPath) {
        return new VolumeBuilder()
                .withName(volume)
                .withNewSecret()
                    .withSecretName(secretName)
                    .withDefaultMode(mode)
                    .withOptional(false)
                    .withItems(keyToPath.entrySet().stream()
                            .map(e -> new KeyToPathBuilder().withKey(e.getKey()).withPath(e.getValue()).build())
                            .toList())
                .endSecret()
                .build();
    }

    /** @return an emptyDir on the node's disk of at most {@code size} */
    static Volume emptyDir(String name, String size) {
        return new VolumeBuilder()
                .withName(name)
                .withNewEmptyDir()
                    .withSizeLimit(new Quantity(size))
                .endEmptyDir()
                .build();
    }

    /** @return an emptyDir in memory of at most {@code size} */
    static Volume memory(String name, String size) {
        return new VolumeBuilder()
                .withName(name)
                .withNewEmptyDir()
                    .withMedium("Memory")
                    .withSizeLimit(new Quantity(size))
                .endEmptyDir()
                .build();
    }

    /** The mounts of every container that runs our scripts, in this order: ConfigMap, runtime, /tmp, password. */
    static List<VolumeMount> scriptMounts(RedisReplicationSpec spec) {
        List<VolumeMount> mounts = new ArrayList<>(List.of(
                readOnly(CONFIG, RedisConfig.CONFIG_DIR),
                mount(RUNTIME, RedisConfig.RUNTIME_DIR),
                mount(TMP, "/tmp")));
        mounts.addAll(PasswordFile.mounts(spec));
        return mounts;
    }

    /** The pod volumes behind {@link #scriptMounts}. */
    static List<Volume> scriptVolumes(RedisReplicationSpec spec) {
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder()
                .withName(CONFIG)
                .withNewConfigMap()
                    .withName(spec.names().configMap())
                    .withDefaultMode(0444)
                .endConfigMap()
                .build());
        volumes.add(memory(RUNTIME, "1Mi"));
        volumes.add(emptyDir(TMP, "16Mi"));
        volumes.addAll(PasswordFile.volumes(spec));
        return volumes;
    }

    /** @return a claim template of the spec's storage class and access mode, labelled with {@code selector} only */
    static PersistentVolumeClaim claim(RedisReplicationSpec spec, String name, Map<String, String> selector,
            String size) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withLabels(selector)   // claim templates are immutable: no user labels
                .endMetadata()
                .withNewSpec()
                    .withAccessModes(spec.storage().accessMode())
                    .withStorageClassName(spec.storage().storageClass())
                    .withNewResources()
                        .addToRequests("storage", new Quantity(size))
                    .endResources()
                .endSpec()
                .build();
    }

    /** Volumes are kept on delete unless the spec says otherwise, and always on scale-down. */
    static StatefulSetPersistentVolumeClaimRetentionPolicy retention(RedisReplicationSpec spec) {
        boolean delete = spec.mode() == Mode.STORAGE && spec.storage().deleteVolumesOnDelete();
        return new StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
                .withWhenDeleted(delete ? "Delete" : "Retain")
                .withWhenScaled("Retain")
                .build();
    }
}
