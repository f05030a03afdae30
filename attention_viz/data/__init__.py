"""Data generators: every data set the project uses is generated here, never downloaded."""
