using System.Threading.RateLimiting;
using Fdt.Api.Agents;
using Fdt.Api.Diagnostics;
using Fdt.Api.Security;
using Fdt.Data;
using Fdt.Observability.Health;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Api;

/// <summary>Registers the API role.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>The rate-limiter policy applied to login and other credential checks.</summary>
    public const string CredentialsRateLimit = "credentials";

    /// <summary>The authorization policy for operators.</summary>
    public const string OperatorPolicy = "operator";

    /// <summary>
    /// Adds the API: options (section <c>Api</c>), key material, JWT bearer authentication for
    /// people, problem details, rate limiting for credential endpoints, and OpenAPI. Needs
    /// <see cref="DataServiceCollectionExtensions.AddFdtData"/>.
    /// </summary>
    public static IHostApplicationBuilder AddFdtApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ApiOptions>>().Value;
            var directory = options.KeyDirectory ?? sp.GetRequiredService<DataOptions>().Directory ?? Environment.CurrentDirectory;
            return ApiKeys.LoadOrCreate(directory, sp.GetRequiredService<ILoggerFactory>().CreateLogger<ApiKeys>());
        });
        services.TryAddSingleton<AccessTokenIssuer>();
        services.TryAddSingleton<AgentTokenIssuer>();
        services.TryAddSingleton<CredentialCheck>();
        services.TryAddSingleton<CertificateKeyProtector>();
        services.TryAddSingleton<ApiMetrics>();
        services.TryAddSingleton<DatabaseMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseMonitor>());
        services.AddHealthChecks().AddCheck<DatabaseMonitor>(DatabaseMonitor.HealthCheckName, tags: [HealthTags.Ready]);
        services.AddProblemDetails();
        services.AddOpenApi("v1");

        services.TryAddSingleton<Events.IControlPlaneEvents, Events.NoControlPlaneEvents>();
        Inspection.InspectionServiceCollectionExtensions.AddFdtInspectionStore(services);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AuthtokenAuthenticationHandler>(AuthtokenAuthenticationHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<ApiKeys>((jwt, keys) =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = AccessTokenIssuer.ValidationParameters(keys);
            jwt.Events = new JwtBearerEvents
            {
                // Disabled users and changed security stamps (password change, "reset sessions")
                // end access tokens at once, not when they expire.
                OnTokenValidated = async context =>
                {
                    var principal = context.Principal!;
                    var userId = principal.GetUserId();
                    var stamp = principal.FindFirst(FdtClaims.SecurityStamp)?.Value;
                    var db = context.HttpContext.RequestServices.GetRequiredService<FdtDbContext>();
                    var valid = userId is not null && await db.Users.AnyAsync(u => u.Id == userId && !u.IsDisabled && u.SecurityStamp == stamp, context.HttpContext.RequestAborted);
                    if (!valid)
                    {
                        context.Fail("The session has ended.");
                    }
                },

                // A token was presented and refused (bad, expired, or its session ended).
                OnChallenge = context =>
                {
                    if (context.AuthenticateFailure is not null)
                    {
                        context.HttpContext.RequestServices.GetService<ApiMetrics>()?.AuthFailed(AuthFailureReasons.AccessTokenRejected);
                    }

                    return Task.CompletedTask;
                },
            };
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddPolicy(OperatorPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(FdtClaims.Operator, "true"));

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(CredentialsRateLimit, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.RequestServices.GetService<ApiMetrics>()?.AuthFailed(AuthFailureReasons.RateLimited);
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await TypedResults.Problem(statusCode: 429, title: "Too many attempts", detail: "Wait a minute before trying again.").ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>Adds the middleware the API needs (request metrics, authentication, authorization, rate limiting).</summary>
    public static IApplicationBuilder UseFdtApi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ApiRequestMetricsMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
