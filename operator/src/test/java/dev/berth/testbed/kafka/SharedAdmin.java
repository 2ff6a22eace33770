package dev.berth.testbed.kafka;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * The cluster's shared {@link Admin}: a stable handle whose real client can be replaced underneath.
 *
 * <p>An Admin only knows the addresses it bootstrapped from and those it learned since. If brokers
 * come back on other ports (their port was taken while they were down) it may know no live address
 * at all and retry forever. The cluster then calls {@link #renew()}; tests keep the handle they hold.
 * {@code close()} on the handle is ignored: the cluster owns the client and closes it with itself.
 */
final class SharedAdmin {
    private final Supplier<Admin> factory;
    private final Admin handle;
    private volatile Admin delegate;

    SharedAdmin(Supplier<Admin> factory) {
        this.factory = factory;
        this.delegate = factory.get();
        this.handle = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "SharedAdmin(" + delegate + ")";
                        };
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    Admin handle() {
        return handle;
    }

    /** Replaces the real client with one bootstrapped from the current addresses. */
    void renew() {
        Admin old = delegate;
        delegate = factory.get();
        old.close(Duration.ofSeconds(2));
    }

    void close() {
        delegate.close(Duration.ofSeconds(2));
    }
}
