package dev.berth.operator.act;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;

/**
 * The irreversible end of a scale-down: delete the broker's pod, unregister it from KRaft, delete
 * its PVC. Each call is idempotent (404 and "not registered" count as done), so a step repeated
 * after an operator crash is harmless. It decides nothing: the caller verified the broker empty
 * against Kafka first ({@link DrainVerifier}).
 */
public final class BrokerRemover {
    private final CoreV1Api core;
    private final Admin admin;

    public BrokerRemover(CoreV1Api core, Admin admin) {
        this.core = core;
        this.admin = admin;
    }

    public void deletePod(String namespace, String name) throws ApiException {
        try {
            core.deleteNamespacedPod(name, namespace).execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /**
     * Deletes pod {@code name} (UID {@code uid}, so that a pod created again under the name is left alone) at
     * once, without waiting for its kubelet: for a pod whose node no longer answers, which a graceful delete
     * leaves Terminating until the node comes back or is deleted.
     */
    public void forceDeletePod(String namespace, String name, String uid) throws ApiException {
        try {
            core.deleteNamespacedPod(name, namespace).gracePeriodSeconds(0)
                    .body(new io.kubernetes.client.openapi.models.V1DeleteOptions().gracePeriodSeconds(0L)
                            .preconditions(new io.kubernetes.client.openapi.models.V1Preconditions().uid(uid)))
                    .execute();
        } catch (ApiException e) {
            if (e.getCode() != 404 && e.getCode() != 409) { // gone, or another pod under the name now
                throw e;
            }
        }
    }

    public void deletePvc(String namespace, String name) throws ApiException {
        try {
            core.deleteNamespacedPersistentVolumeClaim(name, namespace).execute();
        } catch (ApiException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** {@code unregisterBroker}; a broker that is not registered (any more) is fine. */
    public void unregisterBroker(int id) {
        try {
            admin.unregisterBroker(id).all().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof BrokerIdNotRegisteredException)) {
                throw new KafkaCallException("unregisterBroker " + id, e);
            }
        } catch (TimeoutException e) {
            throw new KafkaCallException("unregisterBroker " + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
