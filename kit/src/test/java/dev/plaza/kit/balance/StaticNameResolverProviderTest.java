package dev.plaza.kit.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolverRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class StaticNameResolverProviderTest {
    @Test
    void parsesACommaSeparatedListOfHostPorts() {
        assertThat(StaticNameResolverProvider.parse("/127.0.0.1:9001, 127.0.0.1:9002,"))
                .containsExactly(new InetSocketAddress("127.0.0.1", 9001), new InetSocketAddress("127.0.0.1", 9002));
        assertThat(StaticNameResolverProvider.parse("/[::1]:9003"))
                .containsExactly(new InetSocketAddress("::1", 9003));
    }

    @Test
    void rejectsEntriesWithoutAPortAndEmptyLists() {
        assertThatThrownBy(() -> StaticNameResolverProvider.parse("/127.0.0.1"))
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> StaticNameResolverProvider.parse("/127.0.0.1:http"))
                .hasMessageContaining("bad port");
        assertThatThrownBy(() -> StaticNameResolverProvider.parse("/127.0.0.1:70000"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticNameResolverProvider.parse("/")).hasMessageContaining("at least one");
    }

    @Test
    void theAuthorityIsTheTargetsOrTheFirstBackend() {
        StaticNameResolverProvider provider = new StaticNameResolverProvider();
        assertThat(provider.newNameResolver(URI.create("static:///127.0.0.1:9001,127.0.0.1:9002"), null)
                .getServiceAuthority()).isEqualTo("127.0.0.1:9001");
        assertThat(provider.newNameResolver(URI.create("static://comment/127.0.0.1:9001"), null)
                .getServiceAuthority()).isEqualTo("comment");
        assertThat(provider.newNameResolver(URI.create("dns:///localhost:9001"), null)).isNull();
    }

    @Test
    void registrationIsIdempotent() {
        PlazaBalancing.register();
        var balancer = LoadBalancerRegistry.getDefaultRegistry().getProvider(P2cLoadBalancerProvider.POLICY_NAME);
        var resolver = NameResolverRegistry.getDefaultRegistry().getProviderForScheme(StaticNameResolverProvider.SCHEME);
        PlazaBalancing.register();
        assertThat(balancer).isInstanceOf(P2cLoadBalancerProvider.class);
        assertThat(resolver).isInstanceOf(StaticNameResolverProvider.class);
        assertThat(LoadBalancerRegistry.getDefaultRegistry().getProvider(P2cLoadBalancerProvider.POLICY_NAME))
                .isSameAs(balancer);
        assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme(StaticNameResolverProvider.SCHEME))
                .isSameAs(resolver);
    }
}
