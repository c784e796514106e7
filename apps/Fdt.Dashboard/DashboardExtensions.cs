using Fdt.Dashboard.Infrastructure;
using Fdt.Dashboard.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fdt.Dashboard;

/// <summary>Adds the console role (web console and /admin panel) to a host that runs the API.</summary>
public static class DashboardExtensions
{
    public static WebApplicationBuilder AddFdtDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.SectionName);
        services.AddHttpContextAccessor();
        services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/", ConsoleAuth.MemberPolicy);
            pages.Conventions.AuthorizeFolder("/Admin", ConsoleAuth.OperatorPolicy);
            pages.Conventions.AllowAnonymousToPage("/Login");
            pages.Conventions.AllowAnonymousToPage("/Setup");
            pages.Conventions.AllowAnonymousToPage("/Join/Index");
            pages.Conventions.ConfigureFilter(new SecurityHeaders());
        }).AddApplicationPart(typeof(DashboardExtensions).Assembly);
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "fdt_af";
            antiforgery.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
            antiforgery.FormFieldName = "__fdt_af";
        });
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>().Configure<IOptions<ConsoleOptions>>((antiforgery, console) =>
            antiforgery.Cookie.SecurePolicy = console.Value.SecureCookies ? Microsoft.AspNetCore.Http.CookieSecurePolicy.Always : Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest);

        // Session cookies stay valid across restarts: the data-protection keys live in the data directory.
        services.AddDataProtection().SetApplicationName("fdt-console");
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory>((keys, configuration, logs) =>
        {
            var directory = configuration["Data:Directory"] ?? configuration["Server:DataDirectory"];
            if (!string.IsNullOrEmpty(directory))
            {
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(directory, "console-keys")), logs);
            }
        });

        services.AddAuthentication().AddCookie(ConsoleAuth.Scheme);
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(ConsoleAuth.Scheme)
            .Configure<IOptions<ConsoleOptions>>((cookie, console) => ConsoleAuth.Configure(cookie, console.Value.SecureCookies));
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleAuth.MemberPolicy, policy => policy.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser())
            .AddPolicy(ConsoleAuth.OperatorPolicy, policy => policy.AddAuthenticationSchemes(ConsoleAuth.Scheme).RequireAuthenticatedUser().RequireClaim(Api.Security.FdtClaims.Operator, "true"));

        services.TryAddSingleton<ConsoleApi>();
        services.TryAddSingleton<ConsoleRateLimit>();
        services.AddScoped<TeamContext>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveTopic, TunnelsTopic>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveTopic, RequestsTopic>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveTopic, AdminTunnelsTopic>());
        return builder;
    }

    /// <summary>
    /// Before the API's middleware: with <c>Console:SecureCookies</c> (TLS ends at a proxy in front),
    /// requests are treated as HTTPS, so cookies are Secure and links use https.
    /// </summary>
    public static IApplicationBuilder UseFdtDashboard(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var secure = app.ApplicationServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.SecureCookies;
        if (secure)
        {
            app.Use((context, next) =>
            {
                context.Request.Scheme = Uri.UriSchemeHttps;
                return next(context);
            });
        }

        return app;
    }

    /// <summary>Maps the console's pages, assets and live events (after the API's middleware).</summary>
    public static IEndpointRouteBuilder MapFdtDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapConsoleAssets();
        endpoints.MapLiveEvents();
        endpoints.MapRazorPages();
        return endpoints;
    }
}
