global using MusicCluster.TestSupport;
