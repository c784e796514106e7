using System.Net;
using Fdt.Api.Auth;
using Fdt.Api.Security;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Auth;

public sealed class SessionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refresh_ValidToken_RotatesWithinTheFamily()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com");
        var first = await LoginAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        using var response = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = first.RefreshToken });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = await ReadAsync<SessionResponse>(response);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.StartsWith("fdt_rt_", second.RefreshToken, StringComparison.Ordinal);
        Assert.Equal(first.User.Id, second.User.Id);
        using var authorized = Client(factory, second.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await authorized.GetAsync("/v1/auth/me", Cancel)).StatusCode);

        var rows = await DbAsync(factory, db => db.RefreshTokens.AsNoTracking().ToListAsync(Cancel));
        var old = rows.Single(r => r.TokenHash == Secrets.Hash(first.RefreshToken));
        var next = rows.Single(r => r.TokenHash == Secrets.Hash(second.RefreshToken));
        Assert.Equal(next.Id, old.ReplacedById);
        Assert.Equal(old.FamilyId, next.FamilyId);
        Assert.Null(next.ReplacedById);
        Assert.Single(await AuditedAsync(factory, "auth.refresh"));
    }

    [Fact]
    public async Task Refresh_ReusedToken_RevokesTheWholeFamilyOnly()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com");
        var stolen = await LoginAsync(factory, "alice@example.com");
        var otherDevice = await LoginAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();
        using var rotated = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = stolen.RefreshToken });
        var current = await ReadAsync<SessionResponse>(rotated);

        using var reuse = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = stolen.RefreshToken });
        await ProblemAsync(reuse, HttpStatusCode.Unauthorized);

        // The legitimate holder of the newest token is signed out too...
        using var afterReuse = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = current.RefreshToken });
        await ProblemAsync(afterReuse, HttpStatusCode.Unauthorized);

        // ...but another sign-in (another family) is untouched.
        using var other = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = otherDevice.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotEmpty(await AuditedAsync(factory, "auth.refresh_reuse"));
    }

    [Fact]
    public async Task Refresh_ConcurrentUseOfOneToken_AtMostOneSucceeds()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com");
        var session = await LoginAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(client, "/v1/auth/refresh", new { refreshToken = session.RefreshToken })));

        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized }));
        var issued = await DbAsync(factory, db => db.RefreshTokens.AsNoTracking().ToListAsync(Cancel));
        Assert.True(issued.Count(r => r.ReplacedById is null && r.RevokedAt is null) <= 1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Refresh_ExpiredToken_Returns401()
    {
        await using var factory = CreateFactory();
        var (clocked, clock) = WithClock(factory);
        await AddUserAsync(clocked, "alice@example.com");
        var session = await LoginAsync(clocked, "alice@example.com");
        using var client = clocked.CreateClient();

        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        using var response = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = session.RefreshToken });

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_JustBeforeExpiry_Succeeds()
    {
        await using var factory = CreateFactory();
        var (clocked, clock) = WithClock(factory);
        await AddUserAsync(clocked, "alice@example.com");
        var session = await LoginAsync(clocked, "alice@example.com");
        using var client = clocked.CreateClient();

        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        using var response = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = session.RefreshToken });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Refresh_UnknownOrMissingToken_Rejected()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var unknown = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = "fdt_rt_unknown" });
        using var missing = await PostAsync(client, "/v1/auth/refresh", new { });

        await ProblemAsync(unknown, HttpStatusCode.Unauthorized);
        await ValidationProblemAsync(missing, "refreshToken");
    }

    [Fact]
    public async Task Logout_RevokesTheFamily_Returns204EvenForUnknownTokens()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com");
        var session = await LoginAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();
        using var rotated = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = session.RefreshToken });
        var current = await ReadAsync<SessionResponse>(rotated);

        using var logout = await PostAsync(client, "/v1/auth/logout", new { refreshToken = current.RefreshToken });
        using var unknown = await PostAsync(client, "/v1/auth/logout", new { refreshToken = "fdt_rt_unknown" });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        using var refresh = await PostAsync(client, "/v1/auth/refresh", new { refreshToken = current.RefreshToken });
        await ProblemAsync(refresh, HttpStatusCode.Unauthorized);
        Assert.All(await DbAsync(factory, db => db.RefreshTokens.AsNoTracking().ToListAsync(Cancel)), r => Assert.NotNull(r.RevokedAt));
        Assert.Single(await AuditedAsync(factory, "auth.logout"));
    }
}
