package io.github.rediskube.examples;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The classic Redis master/replica walkthrough, in code: one master with a 4096M memory limit, two
 * replicas that follow it by its DNS name, the master Service on NodePort 32379 and the replica Service
 * on NodePort 32380.
 *
 * <p>Run it with {@code ./mvnw -q -pl redis-kube-examples -am compile exec:java}: it prints
 * the manifests as YAML. {@code --out DIR} writes one file per object instead, for {@code kubectl apply -f DIR}.
 */
public final class ClassicWalkthrough {

    private ClassicWalkthrough() {
    }

    /** @return the walkthrough's deployment */
    public static RedisReplicationSpec spec() {
        // tag::classic[]
        return RedisKube.replication("redis")
                .namespace("default")
                .replicas(2)
                .master(n -> n.memoryLimit("4096M"))
                .exposeNodePorts(32379, 32380)
                .build();
        // end::classic[]
    }

    /**
     * @param args {@code --out DIR} to write files, {@code --help} for usage
     * @throws IOException if files cannot be written
     */
    public static void main(String[] args) throws IOException {
        int code = run(List.of(args), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: ClassicWalkthrough [--out DIR]");
            out.println("  prints the classic master/replica scenario's Kubernetes manifests as YAML;");
            out.println("  --out DIR  writes one YAML file per object to DIR instead (kubectl apply -f DIR)");
            return 0;
        }
        RedisReplicationSpec spec = spec();
        int outIndex = args.indexOf("--out");
        if (outIndex >= 0) {
            if (outIndex + 1 >= args.size()) {
                err.println("--out needs a directory, e.g. --out manifests/");
                return 2;
            }
            for (Path file : spec.writeYaml(Path.of(args.get(outIndex + 1)))) {
                out.println("wrote " + file);
            }
            return 0;
        }
        if (!args.isEmpty()) {
            err.println("unknown arguments " + args + "; try --help");
            return 2;
        }
        out.println("# The classic Redis master/replica walkthrough, rendered by redis-kube:");
        out.println("#   master " + spec.names().of(Role.MASTER) + ": 1 pod, memory limit "
                + spec.master().memoryLimit() + ", NodePort " + spec.exposure().masterNodePort() + " (writes)");
        out.println("#   replicas " + spec.names().of(Role.REPLICA) + ": " + spec.replicas()
                + " pods following " + spec.names().masterHost() + ", NodePort " + spec.exposure().replicaNodePort()
                + " (reads)");
        out.println("# Apply with: kubectl apply -f <this file>");
        out.print(spec.toYaml());
        return 0;
    }
}
