
1

Hello!Þ­¾ïExample:alice@google.comExample0