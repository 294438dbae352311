package io.github.rediskube.core.render;

import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.core.spec.SentinelSpec;
import io.github.rediskube.core.spec.Tls;

/**
 * TLS only (on when the spec has {@link Tls}). Redis serves TLS on its usual port with the plain port closed
 * ({@code port 0}, {@code tls-port 6379}), replicates over TLS ({@code tls-replication yes}, the replica
 * checking the master's chain against the CA) and asks clients for a certificate only when the spec says so
 * ({@code tls-auth-clients}); Sentinel likewise on 26379, and its {@code tls-replication yes} makes it reach the
 * Redis pods and the other Sentinels over TLS. To every pod's main container (Redis or Sentinel) it adds the
 * Secret's files ({@link TlsFiles}) and {@code REDIS_TLS_DIR}, with which the scripts' {@code redis_kube_cli}
 * connects over TLS. The directives follow the replication ones, so their {@code port 0} is the last word.
 */
final class TlsContribution implements Contribution {

    @Override
    public boolean appliesTo(RedisReplicationSpec spec) {
        return spec.tlsEnabled();
    }

    @Override
    public void redisConf(RedisReplicationSpec spec, Role role, StringBuilder conf) {
        directives(spec, ResourceNames.REDIS_PORT, conf);
    }

    @Override
    public void sentinelConf(RedisReplicationSpec spec, StringBuilder conf) {
        directives(spec, SentinelSpec.SENTINEL_PORT, conf);
    }

    @Override
    public void pod(RedisReplicationSpec spec, PodDraft pod) {
        pod.main().addAllToVolumeMounts(TlsFiles.mounts(spec)).addAllToEnv(TlsFiles.env(spec));
        pod.volumes(TlsFiles.volumes(spec));
    }

    private static void directives(RedisReplicationSpec spec, int port, StringBuilder conf) {
        Tls tls = spec.tls();
        conf.append("# TLS only, certificates from Secret ").append(tls.secretName())
                .append(": the plain port closed, replication over TLS\n");
        RedisConfig.line(conf, "port", "0");
        RedisConfig.line(conf, "tls-port", String.valueOf(port));
        RedisConfig.line(conf, "tls-cert-file", TlsFiles.DIR + "/" + TlsFiles.CERT_FILE);
        RedisConfig.line(conf, "tls-key-file", TlsFiles.DIR + "/" + TlsFiles.KEY_FILE);
        RedisConfig.line(conf, "tls-ca-cert-file", TlsFiles.DIR + "/" + TlsFiles.CA_FILE);
        RedisConfig.line(conf, "tls-replication", "yes");
        RedisConfig.line(conf, "tls-auth-clients", tls.authClients() ? "yes" : "no");
    }
}
