using System.Net;
using System.Net.Http.Json;
using Fdt.Api.Auth;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Security;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Auth;

public sealed class LoginTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_CorrectPassword_ReturnsWorkingSessionAndStoresOnlyHashes()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        using var response = await PostAsync(client, "/v1/auth/login", new { email = " Alice@Example.COM ", password = Seed.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = await ReadAsync<SessionResponse>(response);
        Assert.Equal(alice.User.Id, session.User.Id);
        Assert.Equal("alice@example.com", session.User.Email);
        Assert.False(session.User.IsOperator);
        Assert.StartsWith("fdt_rt_", session.RefreshToken, StringComparison.Ordinal);
        Assert.InRange(session.AccessTokenExpiresAt - DateTime.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        Assert.InRange(session.RefreshTokenExpiresAt - DateTime.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(31));

        using var authorized = Client(factory, session.AccessToken);
        var me = (await authorized.GetFromJsonAsync<MeResponse>("/v1/auth/me", Json, Cancel))!;
        Assert.Equal(alice.User.Id, me.Id);

        var stored = await DbAsync(factory, db => db.RefreshTokens.SingleAsync(Cancel));
        Assert.Equal(Secrets.Hash(session.RefreshToken), stored.TokenHash);
        Assert.DoesNotContain(session.RefreshToken, stored.TokenHash, StringComparison.Ordinal);
        Assert.Equal(alice.User.Id, Assert.Single(await AuditedAsync(factory, "auth.login")).ActorUserId);
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownEmail_SameProblem401()
    {
        await using var factory = CreateFactory();
        using var alice = await Seed.UserAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        using var wrongPassword = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "not the password" });
        using var unknownEmail = await PostAsync(client, "/v1/auth/login", new { email = "nobody@example.com", password = "not the password" });

        var first = await ProblemAsync(wrongPassword, HttpStatusCode.Unauthorized);
        var second = await ProblemAsync(unknownEmail, HttpStatusCode.Unauthorized);
        Assert.Equal(first.GetProperty("title").GetString(), second.GetProperty("title").GetString());
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
        Assert.Empty(await DbAsync(factory, db => db.RefreshTokens.ToListAsync(Cancel)));
    }

    [Fact]
    public async Task Login_InvalidInput_Returns400()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostAsync(client, "/v1/auth/login", new { email = "a@b@c", password = string.Empty });

        await ValidationProblemAsync(response, "email", "password");
    }

    [Fact]
    public async Task Login_RepeatedFailures_LockAccountUntilLockoutExpires()
    {
        await using var factory = CreateFactory();
        var (clocked, clock) = WithClock(factory);
        var alice = await AddUserAsync(clocked, "alice@example.com");
        using var client = clocked.CreateClient();

        for (var attempt = 1; attempt < 5; attempt++)
        {
            using var failed = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "wrong password" });
            await ProblemAsync(failed, HttpStatusCode.Unauthorized);
        }

        using var locking = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "wrong password" });
        await ProblemAsync(locking, (HttpStatusCode)423);

        // Locked: even the right password is refused, with the unlock time.
        clock.Advance(TimeSpan.FromMinutes(14));
        using var locked = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = Seed.Password });
        var problem = await ProblemAsync(locked, (HttpStatusCode)423);
        var until = DateTime.Parse(problem.GetProperty("lockedUntil").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(until - clock.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
        Assert.Contains(problem.GetProperty("lockedUntil").GetString()!, problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.InRange(int.Parse(locked.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture), 50, 61);

        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var unlocked = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = Seed.Password });
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);

        var lockout = Assert.Single(await AuditedAsync(clocked, "auth.lockout"));
        Assert.Equal(alice.Id.ToString("D"), lockout.TargetId);
        Assert.Equal(4, (await AuditedAsync(clocked, "auth.login_failed")).Count);
    }

    [Fact]
    public async Task Login_Success_ResetsFailureCount()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        for (var round = 0; round < 2; round++)
        {
            for (var attempt = 0; attempt < 4; attempt++)
            {
                using var failed = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "wrong password" });
                await ProblemAsync(failed, HttpStatusCode.Unauthorized);
            }

            using var success = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = Seed.Password });
            Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        }

        Assert.Empty(await AuditedAsync(factory, "auth.lockout"));
    }

    [Fact]
    public async Task Login_DisabledUser_Returns403OnlyWithTheRightPassword()
    {
        await using var factory = CreateFactory();
        await AddUserAsync(factory, "alice@example.com", disabled: true);
        using var client = factory.CreateClient();

        using var wrong = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "wrong password" });
        using var right = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = Seed.Password });

        await ProblemAsync(wrong, HttpStatusCode.Unauthorized);
        await ProblemAsync(right, HttpStatusCode.Forbidden);
        Assert.Empty(await DbAsync(factory, db => db.RefreshTokens.ToListAsync(Cancel)));
    }

    [Fact]
    public async Task Login_TooManyAttemptsFromOneAddress_Returns429WithRetryAfter()
    {
        await using var factory = CreateFactory(("Api:LoginAttemptsPerMinute", "3"));
        await AddUserAsync(factory, "alice@example.com");
        using var client = factory.CreateClient();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var allowed = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = "wrong password" });
            await ProblemAsync(allowed, HttpStatusCode.Unauthorized);
        }

        using var limited = await PostAsync(client, "/v1/auth/login", new { email = "alice@example.com", password = Seed.Password });

        await ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Empty(await DbAsync(factory, db => db.RefreshTokens.ToListAsync(Cancel)));
    }
}
