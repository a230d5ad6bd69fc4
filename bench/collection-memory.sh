#!/bin/bash
# Run from the project root after `npm run build`: bytes per element for one big hash/set/zset: RSS after load minus RSS empty, divided by cardinality
rss(){ grep VmRSS /proc/$1/status | awk '{print $2*1024}'; }
for target in redis ferrous; do
 for t in hset sadd zadd; do
  if [ $target = redis ]; then redis-server --port 7395 --save '' --appendonly no > /dev/null & PID=$!; else node dist/src/cli.js --port 7395 --shards 1 --save '' --appendonly no > /dev/null & PID=$!; fi
  for i in $(seq 1 50); do redis-cli -p 7395 ping >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 0.5; r0=$(rss $PID)
  redis-benchmark -p 7395 -t $t -r 1000000 -n 1500000 -c 50 -P 16 -q > /dev/null 2>&1
  sleep 2; r1=$(rss $PID)
  case $t in hset) n=$(redis-cli -p 7395 hlen myhash);; sadd) n=$(redis-cli -p 7395 scard myset);; zadd) n=$(redis-cli -p 7395 zcard myzset);; esac
  echo "$target $t members=$n rss_delta_MB=$(( (r1-r0)/1048576 )) bytes_per_member=$(( (r1-r0)/n ))"
  kill $PID; wait $PID 2>/dev/null
 done
done
