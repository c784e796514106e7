namespace Fdt.Server.Hosting;

/// <summary>The roles one server process can run.</summary>
[Flags]
internal enum ServerRole
{
    None = 0,

    /// <summary>The relay edge: agent sessions and public tunnel traffic.</summary>
    Edge = 1,

    /// <summary>The control-plane API (accounts, teams, authtokens, tunnels) on its database.</summary>
    Api = 2,

    /// <summary>Background jobs on the database (the inspector's retention).</summary>
    Workers = 4,

    /// <summary>The customer web console and the /admin operations panel (needs <see cref="Api"/>).</summary>
    Console = 8,

    All = Edge | Api | Workers | Console,
}

internal static class ServerRoleNames
{
    /// <summary>The roles as the command line names them, e.g. "edge,api,workers,console".</summary>
    public static string Names(this ServerRole roles, string separator = ",")
    {
        List<string> names = [];
        foreach (var role in (ReadOnlySpan<ServerRole>)[ServerRole.Edge, ServerRole.Api, ServerRole.Workers, ServerRole.Console])
        {
            if (roles.HasFlag(role))
            {
                names.Add(role.ToString().ToLowerInvariant());
            }
        }

        return string.Join(separator, names);
    }
}
