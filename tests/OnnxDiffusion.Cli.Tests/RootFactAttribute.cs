namespace OnnxDiffusion.Cli.Tests;

/// <summary>A fact that needs root (mounting a file system): skipped, and said so, for any other user.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> unless the tests run as root.</summary>
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
            Skip = "needs root to mount a tmpfs";
    }
}
