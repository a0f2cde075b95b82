using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Tests.Synthesis;

public class ShardSpecTests
{
    [Fact]
    public void OwnedCountIsTheNumberOfIdsTheShardOwns()
    {
        foreach (int n in new[] { 1, 2, 3, 7 })
            for (int i = 0; i < n; i++)
                foreach (int total in new[] { 0, 1, 2, 5, 17, 1025 })
                {
                    var shard = new ShardSpec(i, n);
                    Assert.Equal(Enumerable.Range(0, total).Count(id => shard.Owns(id)), shard.OwnedOf(total));
                }
    }
}
