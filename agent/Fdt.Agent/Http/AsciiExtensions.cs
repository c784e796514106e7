namespace Fdt.Agent.Http;

internal static class AsciiExtensions
{
    /// <summary>Case-insensitive comparison of ASCII bytes with a lowercase literal.</summary>
    public static bool EqualsIgnoreCaseAscii(this ReadOnlySpan<byte> value, ReadOnlySpan<byte> lowercase)
    {
        if (value.Length != lowercase.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= (byte)'A' and <= (byte)'Z')
            {
                c += 32;
            }

            if (c != lowercase[i])
            {
                return false;
            }
        }

        return true;
    }
}
