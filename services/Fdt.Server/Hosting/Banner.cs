using Fdt.Data;

namespace Fdt.Server.Hosting;

/// <summary>What the server prints at start when the control plane runs.</summary>
internal static class Banner
{
    public static void PrintControlPlane(WebApplication app, string serverUrl)
    {
        bool anyUser;
        try
        {
            using var scope = app.Services.CreateScope();
            anyUser = scope.ServiceProvider.GetRequiredService<FdtDbContext>().Users.Any();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or System.Data.Common.DbException)
        {
            // The host is already stopping (or the database went away): nothing to advise.
            return;
        }

        Console.WriteLine();
        if (!anyUser)
        {
            Console.WriteLine("No account exists yet. Create the first operator at:");
            Console.WriteLine($"  {serverUrl}/setup");
            Console.WriteLine("Then sign an agent in and start a tunnel:");
        }
        else
        {
            Console.WriteLine("Sign an agent in and start a tunnel:");
        }

        Console.WriteLine($"  fdt config set server {serverUrl}");
        Console.WriteLine("  fdt login");
        Console.WriteLine("  fdt http 3000");
    }
}
