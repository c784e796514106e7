using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Api.Auth;
using Fdt.Data;
using Fdt.Data.Audit;
using Fdt.Data.Model;
using Fdt.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Infrastructure;

/// <summary>Helpers for tests of the identity endpoints (setup, auth, invitations, teams).</summary>
internal static class IdentityApi
{
    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A factory whose per-address credential rate limit does not get in the way (tests of the limit set their own).</summary>
    public static ApiFactory CreateFactory(params (string Key, string? Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["Api:LoginAttemptsPerMinute"] = "10000" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return new ApiFactory(values);
    }

    /// <summary>
    /// The factory with its clock replaced. The clock starts at the real time, because the JWT
    /// handler checks access tokens' lifetimes against the real clock; tests that move the clock
    /// do not use access tokens issued afterwards.
    /// </summary>
    public static (WebApplicationFactory<Program> Factory, FakeTimeProvider Clock) WithClock(ApiFactory factory)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var derived = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock)));
        return (derived, clock);
    }

    public static HttpClient Client(WebApplicationFactory<Program> factory, string? accessToken = null)
    {
        var client = factory.CreateClient();
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body)
        => client.PostAsJsonAsync(path, body, Json, Cancel);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
        => await response.Content.ReadFromJsonAsync<T>(Json, Cancel) ?? throw new InvalidOperationException("The response has no body.");

    /// <summary>Checks that the response is an RFC 9457 problem with <paramref name="status"/> and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>Checks for a 400 validation problem naming <paramref name="fields"/>.</summary>
    public static async Task ValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"No error for '{field}' in {errors}");
        }
    }

    public static async Task<SessionResponse> LoginAsync(WebApplicationFactory<Program> factory, string email, string password = Seed.Password)
    {
        using var client = factory.CreateClient();
        using var response = await PostAsync(client, "/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync<SessionResponse>(response);
    }

    /// <summary>Runs <paramref name="action"/> on a fresh context of the factory's database.</summary>
    public static async Task<T> DbAsync<T>(WebApplicationFactory<Program> factory, Func<FdtDbContext, Task<T>> action)
    {
        using var scope = factory.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<FdtDbContext>());
    }

    public static Task<List<AuditEvent>> AuditAsync(WebApplicationFactory<Program> factory)
        => DbAsync(factory, db => db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(Cancel));

    /// <summary>The events with <paramref name="action"/>, after checking that the whole chain verifies.</summary>
    public static async Task<List<AuditEvent>> AuditedAsync(WebApplicationFactory<Program> factory, string action)
    {
        Assert.Null(await DbAsync(factory, db => AuditLog.VerifyAsync(db, Cancel)));
        return [.. (await AuditAsync(factory)).Where(e => e.Action == action)];
    }

    /// <summary>Adds a team with no members.</summary>
    public static Task<Guid> AddTeamAsync(WebApplicationFactory<Program> factory, string name)
        => DbAsync(factory, async db =>
        {
            var team = new Team { Id = Guid.NewGuid(), Name = name, CreatedAt = DateTime.UtcNow };
            db.Teams.Add(team);
            await db.SaveChangesAsync(Cancel);
            return team.Id;
        });

    /// <summary>Adds a user with <see cref="Seed.Password"/>, as <paramref name="role"/> of <paramref name="teamId"/> when given.</summary>
    public static Task<User> AddUserAsync(WebApplicationFactory<Program> factory, string email, Guid? teamId = null, TeamRole role = TeamRole.Member, bool disabled = false, bool isOperator = false)
        => DbAsync(factory, async db =>
        {
            var user = new User
            {
                Id = Guid.NewGuid(),
                Email = email,
                DisplayName = email.Split('@')[0],
                PasswordHash = string.Empty,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                IsDisabled = disabled,
                IsOperator = isOperator,
                CreatedAt = DateTime.UtcNow,
            };
            user.PasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<User>().HashPassword(user, Seed.Password);
            db.Users.Add(user);
            if (teamId is { } team)
            {
                db.Memberships.Add(new Membership { TeamId = team, UserId = user.Id, Role = role, CreatedAt = DateTime.UtcNow });
            }

            await db.SaveChangesAsync(Cancel);
            return user;
        });
}
