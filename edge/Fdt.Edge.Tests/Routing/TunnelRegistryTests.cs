using Fdt.Edge.Auth;
using Fdt.Edge.Routing;
using Fdt.Edge.Sessions;
using Fdt.Protocol;
using Fdt.Protocol.Control;
using Fdt.Protocol.Mux;
using Fdt.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fdt.Edge.Tests.Routing;

public sealed class TunnelRegistryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLeaseStore _store = new();
    private readonly EdgeOptions _options = new() { NameLeaseGracePeriod = TimeSpan.FromMinutes(5) };

    [Fact]
    public void TryBind_RandomName_IsUniqueAndRoutable()
    {
        var registry = Create();
        var session = Session("owner", "key");
        var binding = registry.TryBind(session, Bind(null), Urls).Binding!;
        Assert.Same(binding, registry.FindByName(binding.Name.ToUpperInvariant()));
        Assert.Same(binding, registry.FindById(binding.Id));
        Assert.Equal($"http://{binding.Name}.localhost", binding.Urls[0]);
    }

    [Fact]
    public void TryBind_NameBoundByAnotherSession_IsInUse()
    {
        var registry = Create();
        registry.TryBind(Session("a", "k1"), Bind("shared"), Urls);
        var outcome = registry.TryBind(Session("a", "k2"), Bind("shared"), Urls);
        Assert.Equal(ErrorCodes.NameInUse, outcome.Error!.Code);
    }

    [Fact]
    public void Release_WithLease_HoldsNameForSameAgentOnly()
    {
        var registry = Create();
        var binding = registry.TryBind(Session("a", "key-1"), Bind("laptop"), Urls).Binding!;
        registry.Release(binding, keepLease: true);
        Assert.Null(registry.FindByName("laptop"));
        Assert.True(registry.IsLeased("laptop"));

        var stranger = registry.TryBind(Session("b", "key-2"), Bind("laptop"), Urls);
        Assert.Equal(ErrorCodes.NameLeased, stranger.Error!.Code);
        Assert.Equal(300, stranger.Error.RetryAfterSeconds);

        var sameOwnerOtherAgent = registry.TryBind(Session("a", "key-3"), Bind("laptop"), Urls);
        Assert.Equal(ErrorCodes.NameLeased, sameOwnerOtherAgent.Error!.Code);

        var back = registry.TryBind(Session("a", "key-1"), Bind("laptop"), Urls);
        Assert.NotNull(back.Binding);
        Assert.False(registry.IsLeased("laptop"));
    }

    [Fact]
    public void Lease_AfterGracePeriod_NameIsFree()
    {
        var registry = Create();
        registry.Release(registry.TryBind(Session("a", "k"), Bind("laptop"), Urls).Binding!, keepLease: true);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(registry.IsLeased("laptop"));
        Assert.NotNull(registry.TryBind(Session("b", "other"), Bind("laptop"), Urls).Binding);
    }

    [Fact]
    public void Release_WithoutLease_FreesNameAtOnce()
    {
        var registry = Create();
        registry.Release(registry.TryBind(Session("a", "k"), Bind("handover"), Urls).Binding!, keepLease: false);
        Assert.False(registry.IsLeased("handover"));
        Assert.NotNull(registry.TryBind(Session("b", "other"), Bind("handover"), Urls).Binding);
    }

    [Fact]
    public void Leases_ArePersisted_AndRestoredForAFullGracePeriod()
    {
        var registry = Create();
        registry.TryBind(Session("a", "k"), Bind("kept"), Urls);
        var saved = Assert.Single(_store.Load());
        Assert.Equal("kept", saved.Name);
        Assert.NotEqual("k", saved.ResumeKeyHash);
        Assert.Equal(TunnelRegistry.HashResumeKey("k"), saved.ResumeKeyHash);

        // A new edge process reads the store: the name is leased to the same agent from now on.
        _time.Advance(TimeSpan.FromHours(1));
        var restarted = Create();
        Assert.True(restarted.IsLeased("kept"));
        Assert.Equal(ErrorCodes.NameLeased, restarted.TryBind(Session("b", "x"), Bind("kept"), Urls).Error!.Code);
        Assert.NotNull(restarted.TryBind(Session("a", "k"), Bind("kept"), Urls).Binding);
    }

    [Fact]
    public void PurgeExpired_ForgetsOldLeases()
    {
        var registry = Create();
        registry.Release(registry.TryBind(Session("a", "k"), Bind("old"), Urls).Binding!, keepLease: true);
        Assert.Equal(0, registry.PurgeExpired());
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, registry.PurgeExpired());
        Assert.Empty(_store.Load());
    }

    [Fact]
    public void TryBind_InvalidName_IsRefused()
    {
        var outcome = Create().TryBind(Session("a", "k"), Bind("no_way"), Urls);
        Assert.Equal(ErrorCodes.InvalidName, outcome.Error!.Code);
    }

    private TunnelRegistry Create() => new(Options.Create(_options), _store, _time, NullLogger<TunnelRegistry>.Instance);

    private static IReadOnlyList<string> Urls(string name) => [$"http://{name}.localhost"];

    private static BindMessage Bind(string? name) => new() { RequestId = 1, Protocol = TunnelProtocol.Http, Name = name, LocalAddress = "http://localhost:3000" };

    private AgentSession Session(string owner, string resumeKey)
    {
        var (a, _) = DuplexPipeStream.CreatePair();
        var mux = MuxSession.StartServer(a, new MuxOptions { EnableKeepAlive = false });
        return new AgentSession(
            "s-" + resumeKey,
            new AgentIdentity { OwnerId = owner, DisplayName = owner },
            new HelloMessage { ProtocolVersion = 1, Authtoken = "x", ResumeKey = resumeKey },
            null,
            mux,
            new ControlChannel(a),
            _time.GetUtcNow());
    }
}
